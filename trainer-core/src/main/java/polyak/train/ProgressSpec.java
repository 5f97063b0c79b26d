package polyak.train;

/**
 * What the training loop watches besides the loss: a validation-accuracy target that ends the run
 * at the first evaluation reaching it, and the online gradient noise scale.
 *
 * @param targetAccuracy stop at the first evaluation with validation accuracy ≥ this (0: off)
 * @param noiseScale whether to estimate B_simple every iteration ({@link GradientNoiseScale})
 * @param noiseDecay the EMA decay of the noise-scale estimates
 */
public record ProgressSpec(double targetAccuracy, boolean noiseScale, double noiseDecay) {
  public static final ProgressSpec NONE = new ProgressSpec(0, false, 0.99);

  public ProgressSpec {
    if (!(targetAccuracy >= 0 && targetAccuracy <= 1)) {
      throw new IllegalArgumentException(
          "evaluation.target_accuracy must be in [0, 1], got " + targetAccuracy);
    }
    if (!(noiseDecay >= 0 && noiseDecay < 1)) {
      throw new IllegalArgumentException("noise_scale.decay must be in [0, 1), got " + noiseDecay);
    }
  }

  public boolean hasTarget() {
    return targetAccuracy > 0;
  }
}
