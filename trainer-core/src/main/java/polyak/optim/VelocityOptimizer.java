package polyak.optim;

/**
 * An optimizer whose state is one velocity vector driven by a momentum schedule (classical and
 * Nesterov momentum, LARS): μ = momentum.valueAt(t − 1), checked, then the subclass's update.
 */
abstract class VelocityOptimizer extends VectorStateOptimizer {
  private final Schedule momentum;
  final double[] velocity;

  VelocityOptimizer(String name, int size, Schedule momentum) {
    super(name, size, "velocity");
    this.momentum = momentum;
    this.velocity = vector(0);
  }

  @Override
  final void update(double[] theta, double[] gradient, long t, double learningRate) {
    update(theta, gradient, Checks.momentum(name(), momentum, t), learningRate);
  }

  /** One step with momentum {@code mu}, updating {@link #velocity} and {@code theta}. */
  abstract void update(double[] theta, double[] gradient, double mu, double learningRate);
}
