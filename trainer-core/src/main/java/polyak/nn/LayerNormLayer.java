package polyak.nn;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Layer normalisation: each row is normalised over its own units, y = γ·(x − μ_row)/√(σ²_row + ε) +
 * β. Identical in training and inference, and independent of how a batch is split.
 */
public final class LayerNormLayer implements Layer {
  private final int width;
  private final int gammaOffset;
  private final int betaOffset;
  private final double eps;
  private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dX = new DMatrixRMaj(1, 1);
  private double[] xhat = new double[0];
  private double[] invStd = new double[0];

  public LayerNormLayer(int width, int gammaOffset, int betaOffset, double eps) {
    this.width = width;
    this.gammaOffset = gammaOffset;
    this.betaOffset = betaOffset;
    this.eps = eps;
  }

  @Override
  public int inputWidth() {
    return width;
  }

  @Override
  public int outputWidth() {
    return width;
  }

  @Override
  public void initialise(double[] params, double[] state, SplittableRandom rng) {
    Arrays.fill(params, gammaOffset, gammaOffset + width, 1.0);
    Arrays.fill(params, betaOffset, betaOffset + width, 0.0);
  }

  @Override
  public DMatrixRMaj forward(double[] params, double[] state, DMatrixRMaj input, Pass pass) {
    int rows = input.numRows;
    if (xhat.length < rows * width) {
      xhat = new double[rows * width];
    }
    if (invStd.length < rows) {
      invStd = new double[rows];
    }
    y.reshape(rows, width);
    double[] x = input.data;
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      double mean = 0;
      for (int j = 0; j < width; j++) {
        mean += x[base + j];
      }
      mean /= width;
      double var = 0;
      for (int j = 0; j < width; j++) {
        double d = x[base + j] - mean;
        var += d * d;
      }
      double is = 1.0 / Math.sqrt(var / width + eps);
      invStd[r] = is;
      for (int j = 0; j < width; j++) {
        double h = (x[base + j] - mean) * is;
        xhat[base + j] = h;
        y.data[base + j] = params[gammaOffset + j] * h + params[betaOffset + j];
      }
    }
    return y;
  }

  @Override
  public DMatrixRMaj backward(
      double[] params, DMatrixRMaj gradOutput, double[] grad, boolean needInputGradient) {
    int rows = gradOutput.numRows;
    double[] g = gradOutput.data;
    if (needInputGradient) {
      dX.reshape(rows, width);
    }
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      double sumDh = 0;
      double sumDhH = 0;
      for (int j = 0; j < width; j++) {
        double dy = g[base + j];
        grad[gammaOffset + j] += dy * xhat[base + j];
        grad[betaOffset + j] += dy;
        double dh = dy * params[gammaOffset + j];
        sumDh += dh;
        sumDhH += dh * xhat[base + j];
      }
      if (needInputGradient) {
        double is = invStd[r];
        for (int j = 0; j < width; j++) {
          double dh = g[base + j] * params[gammaOffset + j];
          dX.data[base + j] = is / width * (width * dh - sumDh - xhat[base + j] * sumDhH);
        }
      }
    }
    return needInputGradient ? dX : null;
  }
}
