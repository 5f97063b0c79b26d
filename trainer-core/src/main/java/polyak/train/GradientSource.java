package polyak.train;

import polyak.nn.BatchResult;

/**
 * Where the training loop gets its gradients: in this JVM ({@link LocalGradientSource}) or from
 * Spark executors. Both compute the same sums for the same (θ, iteration), which is what makes the
 * distributed loop equal to the local one.
 */
public interface GradientSource {
  /**
   * Adds into {@code gradientSum} the gradient of the loss SUM over global minibatch {@code t}
   * (0-based) at θ = {@code params}, and into {@code normStatsSum} the batch-norm sums; both arrive
   * zeroed. The result carries the minibatch's loss and counts and, if the source measures it, the
   * split of its time.
   */
  GradientResult gradient(
      long t, double[] params, double[] normState, double[] gradientSum, double[] normStatsSum);

  /**
   * Starts the gradient of minibatch {@code t} at θ = {@code params} (as {@link #gradient} computes
   * it), for the delayed-gradient loop. The caller may change {@code params} and {@code normState}
   * as soon as this returns. This default computes it now, in the calling thread ({@link
   * BackgroundGradientSource} runs it on a thread of its own).
   */
  default PendingGradient submit(long t, double[] params, double[] normState) {
    double[] gradientSum = new double[params.length];
    double[] normStatsSum = new double[normState.length];
    GradientResult result = gradient(t, params, normState, gradientSum, normStatsSum);
    return PendingGradient.done(result, gradientSum, normStatsSum);
  }

  /**
   * Adds into {@code gradientSum} the gradient of the loss SUM over every training example at θ (in
   * training mode, with the dropout masks of iteration 0), for full-batch methods.
   */
  BatchResult fullGradient(
      double[] params, double[] normState, double[] gradientSum, double[] normStatsSum);

  /** Inference-mode loss and accuracy over the validation set. */
  BatchResult evaluate(double[] params, double[] normState);

  /** Iterations in one epoch. */
  long iterationsPerEpoch();
}
