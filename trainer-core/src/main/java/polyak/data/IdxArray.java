package polyak.data;

import java.util.Arrays;

/**
 * The contents of one IDX file of unsigned bytes: its dimensions and its values in row-major order.
 * Dimension 0 counts the items (images or labels); the rest give each item's shape.
 */
public final class IdxArray {
  private final String source;
  private final int[] dims;
  private final byte[] data;

  IdxArray(String source, int[] dims, byte[] data) {
    this.source = source;
    this.dims = dims.clone();
    this.data = data;
  }

  public String source() {
    return source;
  }

  /** The dimensions from the header (a copy). */
  public int[] dims() {
    return dims.clone();
  }

  /** The IDX magic this array was read with: unsigned bytes, {@code dims().length} dimensions. */
  public int magic() {
    return 0x0800 | dims.length;
  }

  /** Number of items (dimension 0). */
  public int count() {
    return dims[0];
  }

  /** Values per item: the product of dimensions 1..n-1, or 1 for a one-dimensional file. */
  public int itemWidth() {
    int w = 1;
    for (int i = 1; i < dims.length; i++) {
      w *= dims[i];
    }
    return w;
  }

  /** The unsigned value at flat index {@code i}. */
  public int valueAt(int i) {
    return data[i] & 0xff;
  }

  /** All values as doubles in 0..255, row-major, one row of {@link #itemWidth()} per item. */
  public double[] toDoubles() {
    double[] out = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = data[i] & 0xff;
    }
    return out;
  }

  /** All values as ints in 0..255. */
  public int[] toInts() {
    int[] out = new int[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = data[i] & 0xff;
    }
    return out;
  }

  @Override
  public String toString() {
    return source + " " + Arrays.toString(dims);
  }
}
