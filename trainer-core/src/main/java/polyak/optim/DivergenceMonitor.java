package polyak.optim;

import java.util.Locale;

/**
 * Catches the runs that {@link DivergenceGuard} cannot, because every value stays finite:
 *
 * <ul>
 *   <li>explosion: the loss or the gradient norm of a step exceeds {@code growth} times the
 *       smallest one of the last {@code window} steps (loss 2 → 2e17 in one step, or 1e19 and back)
 *       — a {@link DivergenceException} whose first suspect step is that of the smallest value;
 *   <li>collapse: {@code collapseEvaluations} evaluations in a row with validation accuracy at
 *       chance level (counted from the end of the first epoch on, so a slow start is not a
 *       collapse), or with an exactly-zero gradient in every step since the previous evaluation — a
 *       {@link CollapseException}.
 * </ul>
 *
 * Pure bookkeeping on numbers the loop already has, so one JVM and Spark stop at the same step.
 */
public final class DivergenceMonitor {
  private final DivergenceSpec spec;
  private final int classes;
  private final double[] losses;
  private final double[] norms;
  private final long[] steps;
  private int filled;
  private int next;
  private boolean allZeroSinceEvaluation = true;
  private long stepsSinceEvaluation;
  private int chanceRun;
  private long chanceSince;
  private int zeroRun;
  private long zeroSince;

  /**
   * @param classes the number of classes when accuracy means something (softmax), else 0
   */
  public DivergenceMonitor(DivergenceSpec spec, int classes) {
    this.spec = spec;
    this.classes = classes;
    int w = spec.explosionOn() ? spec.window() : 0;
    this.losses = new double[w];
    this.norms = new double[w];
    this.steps = new long[w];
  }

  /**
   * After step {@code step} with the minibatch's mean loss and the gradient's L2 norm (both
   * finite).
   *
   * @throws DivergenceException when either grew by the configured factor within the window
   */
  public void observeStep(long step, double loss, double gradientNorm) {
    stepsSinceEvaluation++;
    if (gradientNorm != 0) {
      allZeroSinceEvaluation = false;
    }
    if (losses.length == 0) {
      return;
    }
    checkGrowth(step, "loss", loss, losses);
    checkGrowth(step, "gradient norm", gradientNorm, norms);
    losses[next] = loss;
    norms[next] = gradientNorm;
    steps[next] = step;
    next = (next + 1) % losses.length;
    filled = Math.min(filled + 1, losses.length);
  }

  private void checkGrowth(long step, String what, double value, double[] recent) {
    int at = -1;
    for (int i = 0; i < filled; i++) {
      if (recent[i] > 0 && (at < 0 || recent[i] < recent[at])) {
        at = i;
      }
    }
    if (at >= 0 && value > spec.growth() * recent[at]) {
      throw new DivergenceException(
          step,
          steps[at],
          String.format(
              Locale.ROOT,
              "iteration %d: %s exploded to %.4g from %.4g at iteration %d (x%.3g within %d iterations;"
                  + " divergence.growth = %.4g, divergence.window = %d)",
              step,
              what,
              value,
              recent[at],
              steps[at],
              value / recent[at],
              step - steps[at],
              spec.growth(),
              spec.window()));
    }
  }

  /**
   * After the evaluation at step {@code step} ({@code epoch} epochs done) with its validation
   * accuracy.
   *
   * @throws CollapseException when the accuracy sat at chance level, or the gradient was exactly
   *     zero, for the configured number of evaluations in a row
   */
  public void observeEvaluation(long step, double epoch, double accuracy) {
    int n = spec.collapseEvaluations();
    boolean zero = stepsSinceEvaluation > 0 && allZeroSinceEvaluation;
    allZeroSinceEvaluation = true;
    stepsSinceEvaluation = 0;
    if (n == 0) {
      return;
    }
    zeroSince = zero ? (zeroRun == 0 ? step : zeroSince) : 0;
    zeroRun = zero ? zeroRun + 1 : 0;
    if (zeroRun >= n) {
      throw new CollapseException(
          step,
          zeroSince,
          String.format(
              Locale.ROOT,
              "training collapsed at iteration %d: the gradient was exactly zero in every step for %d evaluations"
                  + " in a row, since iteration %d (divergence.collapse_evaluations = %d)",
              step,
              zeroRun,
              zeroSince,
              n));
    }
    if (classes < 2) {
      return;
    }
    double chance = 1.0 / classes;
    boolean atChance =
        epoch >= 1 && accuracy <= chance + spec.chanceMargin(); // NaN: nothing evaluated
    chanceSince = atChance ? (chanceRun == 0 ? step : chanceSince) : 0;
    chanceRun = atChance ? chanceRun + 1 : 0;
    if (chanceRun >= n) {
      throw new CollapseException(
          step,
          chanceSince,
          String.format(
              Locale.ROOT,
              "training collapsed at iteration %d: validation accuracy %.4f is at chance level (1/%d = %.4f,"
                  + " + divergence.chance_margin %.4g) for %d evaluations in a row, since iteration %d"
                  + " (divergence.collapse_evaluations = %d)",
              step,
              accuracy,
              classes,
              chance,
              spec.chanceMargin(),
              chanceRun,
              chanceSince,
              n));
    }
  }
}
