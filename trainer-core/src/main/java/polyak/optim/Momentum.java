package polyak.optim;

/** Classical momentum: v ← μv − εg, θ ← θ + v, with μ = momentum.valueAt(t − 1). */
public final class Momentum extends VectorStateOptimizer {
  public static final String NAME = "momentum";
  private final Schedule momentum;
  private final double[] velocity;

  public Momentum(int size, Schedule momentum) {
    super(NAME, size, "velocity");
    this.momentum = momentum;
    this.velocity = vector(0);
  }

  @Override
  public void step(double[] theta, double[] gradient, long t, double learningRate) {
    Checks.step(NAME, size, theta, gradient, t, learningRate);
    double mu = Checks.momentum(NAME, momentum, t);
    double[] v = velocity;
    for (int i = 0; i < size; i++) {
      v[i] = mu * v[i] - learningRate * gradient[i];
      theta[i] += v[i];
    }
  }
}
