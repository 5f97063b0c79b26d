package polyak.optim;

/** RMSProp: r ← βr + (1 − β)g², θ ← θ − ε·g/(√r + δ). */
public final class RmsProp extends VectorStateOptimizer {
  public static final String NAME = "rmsprop";
  private final double decay;
  private final double epsilon;
  private final double[] meanSquares;

  public RmsProp(int size, double decay, double epsilon) {
    super(NAME, size, "mean_squares");
    this.decay = decay;
    this.epsilon = epsilon;
    this.meanSquares = vector(0);
  }

  @Override
  void update(double[] theta, double[] gradient, long t, double learningRate) {
    double[] r = meanSquares;
    double keep = decay;
    double mix = 1 - decay;
    for (int i = 0; i < size; i++) {
      double g = gradient[i];
      r[i] = keep * r[i] + mix * g * g;
      theta[i] -= learningRate * g / (Math.sqrt(r[i]) + epsilon);
    }
  }
}
