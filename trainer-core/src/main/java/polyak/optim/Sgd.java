package polyak.optim;

/** Plain stochastic gradient descent: θ ← θ − εg. Stateless. */
public final class Sgd extends VectorStateOptimizer {
  public static final String NAME = "sgd";

  public Sgd(int size) {
    super(NAME, size);
  }

  @Override
  public void step(double[] theta, double[] gradient, long t, double learningRate) {
    Checks.step(NAME, size, theta, gradient, t, learningRate);
    for (int i = 0; i < size; i++) {
      theta[i] -= learningRate * gradient[i];
    }
  }
}
