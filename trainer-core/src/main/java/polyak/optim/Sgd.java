package polyak.optim;

/** Plain stochastic gradient descent: θ ← θ − εg. Stateless. */
public final class Sgd extends VectorStateOptimizer {
  public static final String NAME = "sgd";

  public Sgd(int size) {
    super(NAME, size);
  }

  @Override
  void update(double[] theta, double[] gradient, long t, double learningRate) {
    for (int i = 0; i < size; i++) {
      theta[i] -= learningRate * gradient[i];
    }
  }
}
