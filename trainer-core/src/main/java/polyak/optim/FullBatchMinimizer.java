package polyak.optim;

/**
 * A minimiser that evaluates the function itself (full-batch runs), unlike a step-wise {@link
 * Optimizer}.
 */
public interface FullBatchMinimizer {
  /** Minimises {@code f} starting from {@code theta}, which is updated in place to the result. */
  MinimizationResult minimize(DifferentiableFunction f, double[] theta);
}
