package polyak.optim;

/** A function to minimise over the flat parameter vector, e.g. the full-batch training loss. */
@FunctionalInterface
public interface DifferentiableFunction {
  /** Returns f(θ) and writes ∇f(θ) into {@code gradient} (same length as θ); must not modify θ. */
  double valueAndGradient(double[] theta, double[] gradient);
}
