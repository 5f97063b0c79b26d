package polyak.optim;

/**
 * The Adam family (Adam, AdamW, LAMB): exponential averages of the gradient (first moment, decay
 * β₁) and of its square (second moment, decay β₂), with δ added to the root of the second, and the
 * bias-correction divisors 1 − β₁ᵗ, 1 − β₂ᵗ (1 when correction is off).
 */
abstract class AdaptiveMoments extends VectorStateOptimizer {
  final double beta1;
  final double beta2;
  final double epsilon;
  final double[] firstMoment;
  final double[] secondMoment;
  private final boolean biasCorrection;

  AdaptiveMoments(
      String name, int size, double beta1, double beta2, double epsilon, boolean biasCorrection) {
    super(name, size, "first_moment", "second_moment");
    this.biasCorrection = biasCorrection;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.firstMoment = vector(0);
    this.secondMoment = vector(1);
  }

  @Override
  final void update(double[] theta, double[] gradient, long t, double learningRate) {
    double c1 = biasCorrection ? 1 - Math.pow(beta1, t) : 1;
    double c2 = biasCorrection ? 1 - Math.pow(beta2, t) : 1;
    update(theta, gradient, c1, c2, learningRate);
  }

  /**
   * One step with bias-correction divisors {@code c1}, {@code c2}, updating the moments and {@code
   * theta}.
   */
  abstract void update(
      double[] theta, double[] gradient, double c1, double c2, double learningRate);
}
