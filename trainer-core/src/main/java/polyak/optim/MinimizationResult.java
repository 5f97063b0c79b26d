package polyak.optim;

/** Outcome of a {@link FullBatchMinimizer} run. */
public record MinimizationResult(
    Termination termination, int iterations, int evaluations, double value, double gradientNorm) {

  public enum Termination {
    /** ‖∇f‖ fell to the tolerance. */
    GRADIENT_TOLERANCE,
    /** The iteration limit was reached. */
    MAX_ITERATIONS,
    /**
     * Not even a steepest-descent step decreased f (usually: at the optimum to rounding precision).
     */
    LINE_SEARCH_FAILED
  }

  public boolean converged() {
    return termination == Termination.GRADIENT_TOLERANCE;
  }
}
