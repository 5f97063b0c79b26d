package polyak.nn.kernel;

import java.util.Arrays;
import polyak.data.SparseRows;

/**
 * The two products a first dense layer needs when its input rows are sparse ({@link SparseRows}):
 * the forward product y = x·W and the weight gradient dW += xᵀ·dy, in time proportional to
 * non-zeros × out instead of rows × in × out. (The first layer needs no input gradient.)
 *
 * <p>Both walk the non-zeros column by column (a counting-sort transpose of the rows, O(non-zeros +
 * in)), so W and dW are each swept once in order while the batch's y and dy stay in cache; walking
 * the rows instead would touch a random row of W and dW per non-zero. The order is fixed: every
 * y[r][j] sums its terms over k ascending and every dW[k][j] adds its terms over r ascending — the
 * order of a dense product written as plain loops, which it equals bit for bit, on a laptop or a
 * Spark executor alike; against a BLAS product it agrees up to round-off.
 */
public final class SparseDenseKernel {
  private SparseDenseKernel() {}

  /** y(rows × out) = x(rows × in) · W(in × out), W row-major at {@code wOff} in {@code w}. */
  public static void forward(SparseRows x, double[] w, int wOff, int out, double[] y) {
    Columns c = Columns.of(x);
    Arrays.fill(y, 0, x.rows() * out, 0.0);
    for (int k = 0; k < c.width; k++) {
      int wk = wOff + k * out;
      for (int i = c.start[k]; i < c.start[k + 1]; i++) {
        double v = c.values[i];
        int yr = c.rows[i] * out;
        for (int j = 0; j < out; j++) {
          y[yr + j] += v * w[wk + j];
        }
      }
    }
  }

  /** g[gOff …] (in × out) += xᵀ · dy(rows × out). */
  public static void addWeightGradient(SparseRows x, double[] dy, int out, double[] g, int gOff) {
    Columns c = Columns.of(x);
    for (int k = 0; k < c.width; k++) {
      int gk = gOff + k * out;
      for (int i = c.start[k]; i < c.start[k + 1]; i++) {
        double v = c.values[i];
        int dr = c.rows[i] * out;
        for (int j = 0; j < out; j++) {
          g[gk + j] += v * dy[dr + j];
        }
      }
    }
  }

  /** The non-zeros by column, rows ascending within a column. */
  private record Columns(int width, int[] start, int[] rows, double[] values) {
    static Columns of(SparseRows x) {
      int width = x.width();
      int[] rowStart = x.rowStart();
      int[] cols = x.columns();
      double[] vals = x.values();
      int nnz = x.nonZeros();
      int[] start = new int[width + 1];
      for (int i = 0; i < nnz; i++) {
        start[cols[i] + 1]++;
      }
      for (int k = 0; k < width; k++) {
        start[k + 1] += start[k];
      }
      int[] next = Arrays.copyOf(start, width);
      int[] rows = new int[nnz];
      double[] values = new double[nnz];
      for (int r = 0; r < x.rows(); r++) {
        for (int i = rowStart[r]; i < rowStart[r + 1]; i++) {
          int at = next[cols[i]]++;
          rows[at] = r;
          values[at] = vals[i];
        }
      }
      return new Columns(width, start, rows, values);
    }
  }
}
