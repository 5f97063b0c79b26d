package polyak.nn;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Batch normalisation over the rows of a batch: y = γ·(x − μ)/√(σ² + ε) + β per unit. Training uses
 * the batch's own mean and (biased) variance — in Spark, the batch of one partition (ghost batch
 * norm). Inference uses the running mean and variance kept in the network's state vector ([mean |
 * variance] at this layer's state offset). The layer adds its batch sums Σx and Σx² into {@link
 * Pass#batchStats()} at the same offsets, so the caller can update the running statistics from the
 * whole global batch: see {@link Network#updateRunningStatistics}.
 */
public final class BatchNormLayer implements Layer {
  private final int width;
  private final int gammaOffset;
  private final int betaOffset;
  private final int stateOffset;
  private final double eps;
  private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dX = new DMatrixRMaj(1, 1);
  private double[] xhat = new double[0];
  private final double[] mean;
  private final double[] invStd;
  private final double[] sumDxhat;
  private final double[] sumDxhatXhat;
  private boolean trainedForward;

  public BatchNormLayer(int width, int gammaOffset, int betaOffset, int stateOffset, double eps) {
    this.width = width;
    this.gammaOffset = gammaOffset;
    this.betaOffset = betaOffset;
    this.stateOffset = stateOffset;
    this.eps = eps;
    this.mean = new double[width];
    this.invStd = new double[width];
    this.sumDxhat = new double[width];
    this.sumDxhatXhat = new double[width];
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
    Arrays.fill(state, stateOffset, stateOffset + width, 0.0);
    Arrays.fill(state, stateOffset + width, stateOffset + 2 * width, 1.0);
  }

  @Override
  public DMatrixRMaj forward(double[] params, double[] state, DMatrixRMaj input, Pass pass) {
    int rows = input.numRows;
    double[] x = input.data;
    trainedForward = pass.training();
    if (trainedForward) {
      Arrays.fill(mean, 0.0);
      double[] sumSq = invStd;
      Arrays.fill(sumSq, 0.0);
      for (int r = 0; r < rows; r++) {
        int base = r * width;
        for (int j = 0; j < width; j++) {
          double v = x[base + j];
          mean[j] += v;
          sumSq[j] += v * v;
        }
      }
      double[] stats = pass.batchStats();
      if (stats != null) {
        for (int j = 0; j < width; j++) {
          stats[stateOffset + j] += mean[j];
          stats[stateOffset + width + j] += sumSq[j];
        }
      }
      // Two-pass variance for accuracy: E[(x − μ)²], not E[x²] − μ².
      for (int j = 0; j < width; j++) {
        mean[j] /= rows;
      }
      Arrays.fill(sumSq, 0.0);
      for (int r = 0; r < rows; r++) {
        int base = r * width;
        for (int j = 0; j < width; j++) {
          double d = x[base + j] - mean[j];
          sumSq[j] += d * d;
        }
      }
      for (int j = 0; j < width; j++) {
        invStd[j] = 1.0 / Math.sqrt(sumSq[j] / rows + eps);
      }
    } else {
      for (int j = 0; j < width; j++) {
        mean[j] = state[stateOffset + j];
        invStd[j] = 1.0 / Math.sqrt(state[stateOffset + width + j] + eps);
      }
    }
    int n = rows * width;
    if (xhat.length < n) {
      xhat = new double[n];
    }
    y.reshape(rows, width);
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      for (int j = 0; j < width; j++) {
        double h = (x[base + j] - mean[j]) * invStd[j];
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
    Arrays.fill(sumDxhat, 0.0);
    Arrays.fill(sumDxhatXhat, 0.0);
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      for (int j = 0; j < width; j++) {
        double dy = g[base + j];
        grad[gammaOffset + j] += dy * xhat[base + j];
        grad[betaOffset + j] += dy;
        double dh = dy * params[gammaOffset + j];
        sumDxhat[j] += dh;
        sumDxhatXhat[j] += dh * xhat[base + j];
      }
    }
    if (!needInputGradient) {
      return null;
    }
    dX.reshape(rows, width);
    double[] d = dX.data;
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      for (int j = 0; j < width; j++) {
        double dh = g[base + j] * params[gammaOffset + j];
        d[base + j] =
            trainedForward
                ? invStd[j] / rows * (rows * dh - sumDxhat[j] - xhat[base + j] * sumDxhatXhat[j])
                : dh * invStd[j];
      }
    }
    return dX;
  }
}
