package polyak.optim;

/**
 * Adam: m ← β₁m + (1 − β₁)g, s ← β₂s + (1 − β₂)g², θ ← θ − ε·m̂/(√ŝ + δ), where with bias
 * correction m̂ = m/(1 − β₁ᵗ), ŝ = s/(1 − β₂ᵗ), and without it m̂ = m, ŝ = s.
 */
public final class Adam extends AdaptiveMoments {
  public static final String NAME = "adam";

  public Adam(int size, double beta1, double beta2, double epsilon, boolean biasCorrection) {
    super(NAME, size, beta1, beta2, epsilon, biasCorrection);
  }

  @Override
  void update(double[] theta, double[] gradient, double c1, double c2, double learningRate) {
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
