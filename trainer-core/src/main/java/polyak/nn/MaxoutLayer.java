package polyak.nn;

import org.ejml.data.DMatrixRMaj;

/** Maxout: each output unit is the maximum of {@code pieces} consecutive input units. */
public final class MaxoutLayer implements Layer {
  private final int in;
  private final int pieces;
  private final int out;
  private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dX = new DMatrixRMaj(1, 1);
  private int[] argmax = new int[0];

  public MaxoutLayer(int in, int pieces) {
    this.in = in;
    this.pieces = pieces;
    this.out = in / pieces;
  }

  @Override
  public int inputWidth() {
    return in;
  }

  @Override
  public int outputWidth() {
    return out;
  }

  @Override
  public DMatrixRMaj forward(double[] params, double[] state, DMatrixRMaj input, Pass pass) {
    int rows = input.numRows;
    y.reshape(rows, out);
    if (argmax.length < rows * out) {
      argmax = new int[rows * out];
    }
    double[] x = input.data;
    for (int r = 0; r < rows; r++) {
      for (int u = 0; u < out; u++) {
        int base = r * in + u * pieces;
        int best = base;
        for (int k = 1; k < pieces; k++) {
          if (x[base + k] > x[best]) {
            best = base + k;
          }
        }
        y.data[r * out + u] = x[best];
        argmax[r * out + u] = best;
      }
    }
    return y;
  }

  @Override
  public DMatrixRMaj backward(
      double[] params, DMatrixRMaj gradOutput, double[] grad, boolean needInputGradient) {
    if (!needInputGradient) {
      return null;
    }
    int rows = gradOutput.numRows;
    dX.reshape(rows, in);
    java.util.Arrays.fill(dX.data, 0, rows * in, 0.0);
    for (int i = 0; i < rows * out; i++) {
      dX.data[argmax[i]] += gradOutput.data[i];
    }
    return dX;
  }
}
