package polyak.nn.loss;

import org.ejml.data.DMatrixRMaj;
import polyak.spec.LossSpec;

/**
 * A loss over the rows of the network's output. Returns the SUM over rows, and writes the gradient
 * of that sum; callers divide by the (global) batch size, so partition results simply add up.
 */
public interface Loss {
  /**
   * @param labels class per row (classification) or null
   * @param targets row-major targets of the output's width (regression, or one-hot) or null
   * @param grad receives d(loss sum)/d(output) when not null
   */
  double lossAndGradient(DMatrixRMaj output, int[] labels, double[] targets, DMatrixRMaj grad);

  /** Whether the loss reads {@code labels} (true) or {@code targets} (false). */
  boolean usesLabels();

  /**
   * Turns raw outputs into predictions in place (probabilities for softmax; identity otherwise).
   */
  default void toPrediction(DMatrixRMaj output) {}

  static Loss of(LossSpec spec) {
    return switch (spec.kind()) {
      case SOFTMAX_CE -> new SoftmaxCrossEntropy(spec.labelSmoothing());
      case MSE -> new MeanSquaredError();
      case L1 -> new L1Loss();
    };
  }
}
