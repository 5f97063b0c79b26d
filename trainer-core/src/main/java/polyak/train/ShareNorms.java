package polyak.train;

/**
 * The per-share squared gradient norms one iteration's partials give for free, for the gradient
 * noise scale: the sum over shares k of |g_k|²/n_k (g_k a share's gradient of the loss SUM over its
 * n_k examples, so |g_k|²/n_k² is the squared norm of its mean gradient, weighted by n_k) and the
 * number of non-empty shares. Filled in share (partition) order by the gradient source.
 */
public final class ShareNorms {
  private double weightedSquaredNorms;
  private int shares;

  /** Adds one share: its gradient sum over {@code examples} examples (none: ignored). */
  public void add(double[] shareGradientSum, long examples) {
    if (examples <= 0) {
      return;
    }
    double sq = 0;
    for (double v : shareGradientSum) {
      sq += v * v;
    }
    addSquaredNorm(sq, examples);
  }

  /**
   * Adds one share by its squared gradient norm, summed over the vector in index order as {@link
   * #add} does (none: ignored): for sources that compute it where the share's gradient is.
   */
  public void addSquaredNorm(double squaredNorm, long examples) {
    if (examples <= 0) {
      return;
    }
    weightedSquaredNorms += squaredNorm / examples;
    shares++;
  }

  /** Σ_k |g_k|² / n_k. */
  public double weightedSquaredNorms() {
    return weightedSquaredNorms;
  }

  /** Shares with at least one example. */
  public int shares() {
    return shares;
  }
}
