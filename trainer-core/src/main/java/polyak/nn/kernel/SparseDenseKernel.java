package polyak.nn.kernel;

import java.util.Arrays;
import polyak.data.SparseRows;

/**
 * The two products a first dense layer needs when its input rows are sparse ({@link SparseRows}):
 * the forward product y = x·W and the weight gradient dW += xᵀ·dy, in time proportional to
 * non-zeros × out instead of rows × in × out. (The first layer needs no input gradient.) Both walk
 * the non-zeros in row order and columns ascending, a fixed order, so the result is the same bits
 * wherever it runs, on a laptop or a Spark executor; it equals a dense product summed in the same
 * order (ascending input index k for y, ascending row r for dW) bit for bit, and a BLAS product up
 * to round-off.
 */
public final class SparseDenseKernel {
  private SparseDenseKernel() {}

  /** y(rows × out) = x(rows × in) · W(in × out), W row-major at {@code wOff} in {@code w}. */
  public static void forward(SparseRows x, double[] w, int wOff, int out, double[] y) {
    int rows = x.rows();
    int[] start = x.rowStart();
    int[] cols = x.columns();
    double[] vals = x.values();
    Arrays.fill(y, 0, rows * out, 0.0);
    for (int r = 0; r < rows; r++) {
      int yr = r * out;
      for (int i = start[r]; i < start[r + 1]; i++) {
        double v = vals[i];
        int wk = wOff + cols[i] * out;
        for (int j = 0; j < out; j++) {
          y[yr + j] += v * w[wk + j];
        }
      }
    }
  }

  /** g[gOff …] (in × out) += xᵀ · dy(rows × out). */
  public static void addWeightGradient(SparseRows x, double[] dy, int out, double[] g, int gOff) {
    int rows = x.rows();
    int[] start = x.rowStart();
    int[] cols = x.columns();
    double[] vals = x.values();
    for (int r = 0; r < rows; r++) {
      int dr = r * out;
      for (int i = start[r]; i < start[r + 1]; i++) {
        double v = vals[i];
        int gk = gOff + cols[i] * out;
        for (int j = 0; j < out; j++) {
          g[gk + j] += v * dy[dr + j];
        }
      }
    }
  }
}
