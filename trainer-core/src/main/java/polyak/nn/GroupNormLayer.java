package polyak.nn;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Group normalisation: the units of each row are split into groups of {@code groupSize} consecutive
 * units, and each group is normalised by its own mean and variance, y = γ·(x − μ_group)/√(σ²_group
 * + ε) + β with γ, β per unit. Per example like layer normalisation (group size = width is layer
 * normalisation), so identical in training and inference and independent of how a batch is split.
 */
public final class GroupNormLayer implements Layer {
  private final int width;
  private final int groupSize;
  private final int gammaOffset;
  private final int betaOffset;
  private final double eps;
  private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dX = new DMatrixRMaj(1, 1);
  private double[] xhat = new double[0];
  private double[] invStd = new double[0];

  public GroupNormLayer(int width, int groupSize, int gammaOffset, int betaOffset, double eps) {
    if (groupSize < 1 || width % groupSize != 0) {
      throw new IllegalArgumentException(
          "width " + width + " is not divisible by group size " + groupSize);
    }
    this.width = width;
    this.groupSize = groupSize;
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
    int groups = width / groupSize;
    if (xhat.length < rows * width) {
      xhat = new double[rows * width];
    }
    if (invStd.length < rows * groups) {
      invStd = new double[rows * groups];
    }
    y.reshape(rows, width);
    double[] x = input.data;
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < groups; k++) {
        int base = r * width + k * groupSize;
        double mean = 0;
        for (int j = 0; j < groupSize; j++) {
          mean += x[base + j];
        }
        mean /= groupSize;
        double var = 0;
        for (int j = 0; j < groupSize; j++) {
          double d = x[base + j] - mean;
          var += d * d;
        }
        double is = 1.0 / Math.sqrt(var / groupSize + eps);
        invStd[r * groups + k] = is;
        for (int j = 0; j < groupSize; j++) {
          int u = k * groupSize + j;
          double h = (x[base + j] - mean) * is;
          xhat[base + j] = h;
          y.data[base + j] = params[gammaOffset + u] * h + params[betaOffset + u];
        }
      }
    }
    return y;
  }

  @Override
  public DMatrixRMaj backward(
      double[] params, DMatrixRMaj gradOutput, double[] grad, boolean needInputGradient) {
    int rows = gradOutput.numRows;
    int groups = width / groupSize;
    double[] g = gradOutput.data;
    if (needInputGradient) {
      dX.reshape(rows, width);
    }
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < groups; k++) {
        int base = r * width + k * groupSize;
        double sumDh = 0;
        double sumDhH = 0;
        for (int j = 0; j < groupSize; j++) {
          int u = k * groupSize + j;
          double dy = g[base + j];
          grad[gammaOffset + u] += dy * xhat[base + j];
          grad[betaOffset + u] += dy;
          double dh = dy * params[gammaOffset + u];
          sumDh += dh;
          sumDhH += dh * xhat[base + j];
        }
        if (needInputGradient) {
          double is = invStd[r * groups + k];
          for (int j = 0; j < groupSize; j++) {
            double dh = g[base + j] * params[gammaOffset + k * groupSize + j];
            dX.data[base + j] = is / groupSize * (groupSize * dh - sumDh - xhat[base + j] * sumDhH);
          }
        }
      }
    }
    return needInputGradient ? dX : null;
  }
}
