package polyak.optim;

/** Classical momentum: v ← μv − εg, θ ← θ + v, with μ = momentum.valueAt(t − 1). */
public final class Momentum extends VelocityOptimizer {
  public static final String NAME = "momentum";

  public Momentum(int size, Schedule momentum) {
    super(NAME, size, momentum);
  }

  @Override
  void update(double[] theta, double[] gradient, double mu, double learningRate) {
    double[] v = velocity;
    for (int i = 0; i < size; i++) {
      v[i] = mu * v[i] - learningRate * gradient[i];
      theta[i] += v[i];
    }
  }
}
