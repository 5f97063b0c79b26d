package polyak.nn;

/**
 * One contiguous block of the flat parameter vector: {@code length} values starting at {@code
 * offset}. For weights, {@code rows × cols} is the matrix shape (rows = fan-in, cols = fan-out,
 * row-major), so column j holds the incoming weights of unit j.
 */
public record ParameterSegment(
    String name, int layer, ParameterKind kind, int offset, int rows, int cols) {
  public int length() {
    return rows * cols;
  }

  public int end() {
    return offset + length();
  }
}
