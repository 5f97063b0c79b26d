package polyak.nn.loss;

import org.ejml.data.DMatrixRMaj;

/**
 * The distillation term on logits z against a teacher's distribution q at temperature T: T²·KL(q ‖
 * softmax(z/T)) per row, whose gradient in z is T·(softmax(z/T) − q). Mixed with the hard-label
 * loss L as α·L + (1 − α)·T²·KL (Hinton et al.: T² keeps the soft term's gradient scale independent
 * of T).
 */
public final class SoftTargets {
  private SoftTargets() {}

  /** softmax(z/T) of each row of {@code logits}, written row-major into {@code out}. */
  public static void soften(double[] logits, int rows, int k, double t, double[] out) {
    for (int r = 0; r < rows; r++) {
      int base = r * k;
      double max = logits[base] / t;
      for (int j = 1; j < k; j++) {
        max = Math.max(max, logits[base + j] / t);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        out[base + j] = Math.exp(logits[base + j] / t - max);
        sum += out[base + j];
      }
      for (int j = 0; j < k; j++) {
        out[base + j] /= sum;
      }
    }
  }

  /**
   * Turns {@code grad} (the hard loss's gradient in the logits) into α·grad + (1 −
   * α)·T·(softmax(z/T) − q) and returns the soft term's sum (1 − α)·T²·Σ KL(q ‖ softmax(z/T)).
   */
  public static double mix(
      DMatrixRMaj logits, double[] teacher, double alpha, double t, DMatrixRMaj grad) {
    int rows = logits.numRows;
    int k = logits.numCols;
    double[] z = logits.data;
    double total = 0;
    for (int r = 0; r < rows; r++) {
      int base = r * k;
      double max = z[base] / t;
      for (int j = 1; j < k; j++) {
        max = Math.max(max, z[base + j] / t);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(z[base + j] / t - max);
      }
      double logSumExp = max + Math.log(sum);
      for (int j = 0; j < k; j++) {
        double q = teacher[base + j];
        double logS = z[base + j] / t - logSumExp;
        if (q > 0) {
          total += q * (Math.log(q) - logS);
        }
        grad.data[base + j] = alpha * grad.data[base + j] + (1 - alpha) * t * (Math.exp(logS) - q);
      }
    }
    return (1 - alpha) * t * t * total;
  }
}
