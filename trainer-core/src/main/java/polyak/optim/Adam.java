package polyak.optim;

/**
 * Adam: m ← β₁m + (1 − β₁)g, s ← β₂s + (1 − β₂)g², θ ← θ − ε·m̂/(√ŝ + δ), where with bias
 * correction m̂ = m/(1 − β₁ᵗ), ŝ = s/(1 − β₂ᵗ), and without it m̂ = m, ŝ = s.
 */
public final class Adam extends VectorStateOptimizer {
  public static final String NAME = "adam";
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean biasCorrection;
  private final double[] firstMoment;
  private final double[] secondMoment;

  public Adam(int size, double beta1, double beta2, double epsilon, boolean biasCorrection) {
    super(NAME, size, "first_moment", "second_moment");
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.biasCorrection = biasCorrection;
    this.firstMoment = vector(0);
    this.secondMoment = vector(1);
  }

  @Override
  public void step(double[] theta, double[] gradient, long t, double learningRate) {
    Checks.step(NAME, size, theta, gradient, t, learningRate);
    double c1 = biasCorrection ? 1 - Math.pow(beta1, t) : 1;
    double c2 = biasCorrection ? 1 - Math.pow(beta2, t) : 1;
    double[] m = firstMoment;
    double[] s = secondMoment;
    for (int i = 0; i < size; i++) {
      double g = gradient[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      s[i] = beta2 * s[i] + (1 - beta2) * g * g;
      theta[i] -= learningRate * (m[i] / c1) / (Math.sqrt(s[i] / c2) + epsilon);
    }
  }
}
