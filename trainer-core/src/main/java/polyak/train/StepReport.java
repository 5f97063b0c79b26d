package polyak.train;

/**
 * What one central step did: the 1-based step number, the minibatch's mean loss (without penalty)
 * and accuracy, the gradient's global L2 norm before clipping, the learning rate applied, the
 * examples in the minibatch, the wall time spent getting the gradient and in the central step, and
 * the gradient source's own split of its time ({@code timing}; null when the source has none) and
 * the smoothed gradient noise scale B_simple ({@code noiseScale}; NaN when not estimated).
 */
public record StepReport(
    long step,
    double loss,
    double accuracy,
    double gradientNorm,
    double learningRate,
    long examples,
    double gradientMillis,
    double stepMillis,
    GradientTiming timing,
    double noiseScale) {

  /** A report without a noise-scale estimate. */
  public StepReport(
      long step,
      double loss,
      double accuracy,
      double gradientNorm,
      double learningRate,
      long examples,
      double gradientMillis,
      double stepMillis,
      GradientTiming timing) {
    this(
        step,
        loss,
        accuracy,
        gradientNorm,
        learningRate,
        examples,
        gradientMillis,
        stepMillis,
        timing,
        Double.NaN);
  }

  /** A report without the gradient source's time split. */
  public StepReport(
      long step,
      double loss,
      double accuracy,
      double gradientNorm,
      double learningRate,
      long examples,
      double gradientMillis,
      double stepMillis) {
    this(
        step,
        loss,
        accuracy,
        gradientNorm,
        learningRate,
        examples,
        gradientMillis,
        stepMillis,
        null);
  }

  StepReport timed(
      double newGradientMillis,
      double newStepMillis,
      GradientTiming newTiming,
      double newNoiseScale) {
    return new StepReport(
        step,
        loss,
        accuracy,
        gradientNorm,
        learningRate,
        examples,
        newGradientMillis,
        newStepMillis,
        newTiming,
        newNoiseScale);
  }
}
