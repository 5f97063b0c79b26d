package polyak.data;

import java.util.Arrays;

/**
 * Feature rows kept sparse, in compressed sparse row form: row r's non-zeros are {@code
 * values[rowStart[r] … rowStart[r + 1])} at columns {@code columns[…]}, strictly ascending within a
 * row. Memory is proportional to the non-zeros (12 bytes each, plus 4 per row), not to rows ×
 * width: what a high-dimensional sparse data set (text, one-hot features) needs instead of a dense
 * block.
 */
public final class SparseRows {
  private final int rows;
  private final int width;
  private final int[] rowStart;
  private final int[] columns;
  private final double[] values;

  /** Validates the layout; {@code source} names the data in errors. */
  public SparseRows(String source, int width, int[] rowStart, int[] columns, double[] values) {
    if (width <= 0 || rowStart.length == 0 || rowStart[0] != 0) {
      throw new DataException(source + ": bad sparse layout (width " + width + ")");
    }
    int rows = rowStart.length - 1;
    int nnz = rowStart[rows];
    if (columns.length != nnz || values.length != nnz) {
      throw new DataException(
          source
              + ": "
              + nnz
              + " non-zeros announced, "
              + columns.length
              + " columns and "
              + values.length
              + " values given");
    }
    for (int r = 0; r < rows; r++) {
      if (rowStart[r + 1] < rowStart[r]) {
        throw new DataException(source + ": row " + r + ": negative length");
      }
      int previous = -1;
      for (int i = rowStart[r]; i < rowStart[r + 1]; i++) {
        if (columns[i] <= previous || columns[i] >= width) {
          throw new DataException(
              source
                  + ": row "
                  + r
                  + ": column "
                  + columns[i]
                  + " not ascending within [0, "
                  + width
                  + ")");
        }
        if (!Double.isFinite(values[i])) {
          throw new DataException(
              source + ": row " + r + ", column " + columns[i] + ": value is not finite");
        }
        previous = columns[i];
      }
    }
    this.rows = rows;
    this.width = width;
    this.rowStart = rowStart;
    this.columns = columns;
    this.values = values;
  }

  /** Arrays already known valid (cut from a validated block): no checks. */
  private SparseRows(int width, int[] rowStart, int[] columns, double[] values) {
    this.rows = rowStart.length - 1;
    this.width = width;
    this.rowStart = rowStart;
    this.columns = columns;
    this.values = values;
  }

  /** The non-zeros of a dense row-major block ({@code rows × width}). */
  public static SparseRows of(String source, double[] dense, int rows, int width) {
    int nnz = 0;
    for (double v : dense) {
      if (v != 0) {
        nnz++;
      }
    }
    int[] start = new int[rows + 1];
    int[] cols = new int[nnz];
    double[] vals = new double[nnz];
    int at = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < width; c++) {
        double v = dense[r * width + c];
        if (v != 0) {
          cols[at] = c;
          vals[at++] = v;
        }
      }
      start[r + 1] = at;
    }
    return new SparseRows(source, width, start, cols, vals);
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return width;
  }

  public int nonZeros() {
    return rowStart[rows];
  }

  /** Bytes held by the three arrays (12 per non-zero, 4 per row). */
  public long bytes() {
    return 4L * rowStart.length + 12L * nonZeros();
  }

  /** The row-start offsets ({@code rows + 1}); not copied, do not modify. */
  public int[] rowStart() {
    return rowStart;
  }

  /** Column of each non-zero; not copied, do not modify. */
  public int[] columns() {
    return columns;
  }

  /** Value of each non-zero; not copied, do not modify. */
  public double[] values() {
    return values;
  }

  /** Rows [from, from + count) as a new sparse block. */
  public SparseRows slice(int from, int count) {
    int lo = rowStart[from];
    int hi = rowStart[from + count];
    int[] start = new int[count + 1];
    for (int r = 0; r <= count; r++) {
      start[r] = rowStart[from + r] - lo;
    }
    return new SparseRows(
        "slice",
        width,
        start,
        Arrays.copyOfRange(columns, lo, hi),
        Arrays.copyOfRange(values, lo, hi));
  }

  /**
   * The rows {@code order[from … from + count)} (or rows from … from + count when {@code order} is
   * null), in that order, as a new block: a minibatch gathered from a cached partition.
   */
  public SparseRows gather(int[] order, int from, int count) {
    int[] start = new int[count + 1];
    int nnz = 0;
    for (int i = 0; i < count; i++) {
      int r = order == null ? from + i : order[from + i];
      nnz += rowStart[r + 1] - rowStart[r];
      start[i + 1] = nnz;
    }
    int[] cols = new int[nnz];
    double[] vals = new double[nnz];
    for (int i = 0; i < count; i++) {
      int r = order == null ? from + i : order[from + i];
      int n = rowStart[r + 1] - rowStart[r];
      System.arraycopy(columns, rowStart[r], cols, start[i], n);
      System.arraycopy(values, rowStart[r], vals, start[i], n);
    }
    return new SparseRows(width, start, cols, vals);
  }

  /** The same layout with new values (e.g. scaled); {@code newValues} has one per non-zero. */
  public SparseRows withValues(double[] newValues) {
    if (newValues.length != nonZeros()) {
      throw new IllegalArgumentException(newValues.length + " values for " + nonZeros());
    }
    return new SparseRows(width, rowStart, columns, newValues);
  }

  /** The dense row-major block (for tests and the densified path). */
  public double[] toDense() {
    double[] dense = new double[rows * width];
    for (int r = 0; r < rows; r++) {
      for (int i = rowStart[r]; i < rowStart[r + 1]; i++) {
        dense[r * width + columns[i]] = values[i];
      }
    }
    return dense;
  }
}
