package polyak.optim;

/** AdaGrad: r ← r + g², θ ← θ − ε·g/(√r + δ). */
public final class AdaGrad extends VectorStateOptimizer {
  public static final String NAME = "adagrad";
  private final double epsilon;
  private final double[] sumSquares;

  /**
   * @param epsilon δ, the small constant keeping the division finite (e.g. 1e-7)
   */
  public AdaGrad(int size, double epsilon) {
    super(NAME, size, "sum_squares");
    this.epsilon = epsilon;
    this.sumSquares = vector(0);
  }

  @Override
  void update(double[] theta, double[] gradient, long t, double learningRate) {
    double[] r = sumSquares;
    for (int i = 0; i < size; i++) {
      double g = gradient[i];
      r[i] += g * g;
      theta[i] -= learningRate * g / (Math.sqrt(r[i]) + epsilon);
    }
  }
}
