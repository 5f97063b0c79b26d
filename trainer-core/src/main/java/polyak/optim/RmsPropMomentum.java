package polyak.optim;

/**
 * RMSProp with classical (not Nesterov) momentum: r ← βr + (1 − β)g², v ← μv − ε·g/(√r + δ), θ ← θ
 * + v, with μ = momentum.valueAt(t − 1).
 */
public final class RmsPropMomentum extends VectorStateOptimizer {
  public static final String NAME = "rmsprop_momentum";
  private final double decay;
  private final double epsilon;
  private final Schedule momentum;
  private final double[] meanSquares;
  private final double[] velocity;

  public RmsPropMomentum(int size, double decay, double epsilon, Schedule momentum) {
    super(NAME, size, "mean_squares", "velocity");
    this.decay = decay;
    this.epsilon = epsilon;
    this.momentum = momentum;
    this.meanSquares = vector(0);
    this.velocity = vector(1);
  }

  @Override
  void update(double[] theta, double[] gradient, long t, double learningRate) {
    double mu = Checks.momentum(NAME, momentum, t);
    double[] r = meanSquares;
    double[] v = velocity;
    double keep = decay;
    double mix = 1 - decay;
    for (int i = 0; i < size; i++) {
      double g = gradient[i];
      r[i] = keep * r[i] + mix * g * g;
      v[i] = mu * v[i] - learningRate * g / (Math.sqrt(r[i]) + epsilon);
      theta[i] += v[i];
    }
  }
}
