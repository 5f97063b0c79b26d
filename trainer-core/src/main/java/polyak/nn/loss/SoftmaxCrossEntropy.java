package polyak.nn.loss;

import org.ejml.data.DMatrixRMaj;

/**
 * Softmax cross-entropy on logits, computed with log-sum-exp so logits of ±1000 stay finite. With
 * label smoothing α the target is (1 − α)·onehot + α/K. Gradient per row: softmax(z) − target.
 */
public final class SoftmaxCrossEntropy implements Loss {
  private final double smoothing;

  public SoftmaxCrossEntropy(double smoothing) {
    this.smoothing = smoothing;
  }

  @Override
  public boolean usesLabels() {
    return true;
  }

  @Override
  public double lossAndGradient(
      DMatrixRMaj output, int[] labels, double[] targets, DMatrixRMaj grad) {
    int rows = output.numRows;
    int k = output.numCols;
    double[] z = output.data;
    double off = smoothing / k;
    double on = 1.0 - smoothing + off;
    if (grad != null) {
      grad.reshape(rows, k);
    }
    double total = 0;
    for (int r = 0; r < rows; r++) {
      int base = r * k;
      double max = z[base];
      for (int j = 1; j < k; j++) {
        max = Math.max(max, z[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(z[base + j] - max);
      }
      double logSumExp = max + Math.log(sum);
      int label = labels[r];
      double loss = 0;
      for (int j = 0; j < k; j++) {
        double q = j == label ? on : off;
        if (q != 0) {
          loss -= q * (z[base + j] - logSumExp);
        }
        if (grad != null) {
          grad.data[base + j] = Math.exp(z[base + j] - logSumExp) - q;
        }
      }
      total += loss;
    }
    return total;
  }

  @Override
  public void toPrediction(DMatrixRMaj output) {
    int k = output.numCols;
    double[] z = output.data;
    for (int r = 0; r < output.numRows; r++) {
      int base = r * k;
      double max = z[base];
      for (int j = 1; j < k; j++) {
        max = Math.max(max, z[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        z[base + j] = Math.exp(z[base + j] - max);
        sum += z[base + j];
      }
      for (int j = 0; j < k; j++) {
        z[base + j] /= sum;
      }
    }
  }
}
