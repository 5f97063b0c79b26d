package polyak.optim;

/**
 * f(θ) = ½ θᵀAθ with A = QΛQᵀ, Λ = diag(1 … 100) evenly spaced (condition number 100) and Q the
 * Householder reflection I − 2vvᵀ/vᵀv for v = (1, …, 1), so the axes are not the eigenvectors and
 * diagonal preconditioners (AdaGrad, RMSProp, Adam) cannot solve it coordinate by coordinate.
 */
final class IllConditionedQuadratic implements DifferentiableFunction {
  static final int N = 10;
  private final double[] eigenvalues = new double[N];
  private final double[] rotated = new double[N];

  IllConditionedQuadratic() {
    for (int i = 0; i < N; i++) {
      eigenvalues[i] = 1 + 99.0 * i / (N - 1);
    }
  }

  static double[] start() {
    double[] x = new double[N];
    for (int i = 0; i < N; i++) {
      x[i] = 1.0 - 0.15 * i;
    }
    return x;
  }

  /** Q·x, in place into out (Q is symmetric and its own inverse). */
  private static void reflect(double[] x, double[] out) {
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    double c = 2 * sum / N;
    for (int i = 0; i < N; i++) {
      out[i] = x[i] - c;
    }
  }

  @Override
  public double valueAndGradient(double[] theta, double[] gradient) {
    reflect(theta, rotated);
    double value = 0;
    for (int i = 0; i < N; i++) {
      value += 0.5 * eigenvalues[i] * rotated[i] * rotated[i];
      rotated[i] *= eigenvalues[i];
    }
    reflect(rotated, gradient);
    return value;
  }
}
