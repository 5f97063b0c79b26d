package polyak.optim;

/**
 * When a run counts as exploded or collapsed (see {@link DivergenceMonitor}).
 *
 * @param window explosion is judged against the smallest loss (and gradient norm) of the last
 *     {@code window} iterations (0: explosion detection off)
 * @param growth the run has exploded when the loss or the gradient norm exceeds {@code growth}
 *     times that smallest value (0: off)
 * @param collapseEvaluations the run has collapsed when this many evaluations in a row found the
 *     validation accuracy at chance, or an exactly-zero gradient in every step since the previous
 *     evaluation (0: off)
 * @param chanceMargin accuracy at most 1/classes + {@code chanceMargin} counts as chance level
 */
public record DivergenceSpec(
    int window, double growth, int collapseEvaluations, double chanceMargin) {
  public static final DivergenceSpec DEFAULTS = new DivergenceSpec(20, 1e4, 3, 0.01);
  public static final DivergenceSpec OFF = new DivergenceSpec(0, 0, 0, 0);

  public DivergenceSpec {
    if (window < 0) {
      throw new OptimizerConfigException("divergence.window must be >= 0, got " + window);
    }
    if (!(growth == 0 || growth > 1) || Double.isInfinite(growth)) {
      throw new OptimizerConfigException(
          "divergence.growth must be 0 (off) or a number > 1, got " + growth);
    }
    if (collapseEvaluations < 0) {
      throw new OptimizerConfigException(
          "divergence.collapse_evaluations must be >= 0, got " + collapseEvaluations);
    }
    if (!(chanceMargin >= 0 && chanceMargin < 1)) {
      throw new OptimizerConfigException(
          "divergence.chance_margin must be in [0, 1), got " + chanceMargin);
    }
  }

  boolean explosionOn() {
    return window > 0 && growth > 0;
  }
}
