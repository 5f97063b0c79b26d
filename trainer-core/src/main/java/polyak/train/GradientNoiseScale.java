package polyak.train;

/**
 * The simple gradient noise scale B_simple = tr(Σ)/|G|² of McCandlish et al. (2018), estimated
 * online from the two batch sizes every iteration has: each share (partition) of the global
 * minibatch is a small batch, their sum the big one.
 *
 * <p>With B examples in K shares of sizes n_k (Σ n_k = B) and g_k a share's gradient SUM, the big
 * batch's squared mean-gradient norm is |G_B|² = |Σ g_k|²/B², with E|G_B|² = |G|² + tr(Σ)/B. The
 * small batches are pooled weighted by size: |G_s|² = Σ_k n_k·|g_k/n_k|² / B = Σ_k |g_k|²/(n_k·B),
 * whose expectation is Σ_k (n_k/B)(|G|² + tr(Σ)/n_k) = |G|² + tr(Σ)/(B/K): the unequal shares act
 * as one small batch of B_s = B/K. Then, unbiased for both (the paper's Appendix A.1):
 *
 * <pre>
 *   |G|²  ≈ (B·|G_B|² − B_s·|G_s|²) / (B − B_s)
 *   tr(Σ) ≈ (|G_s|² − |G_B|²) / (1/B_s − 1/B)
 * </pre>
 *
 * Each estimate is noisy (and may be negative), so, as in the paper, each is smoothed by its own
 * exponential moving average and the ratio of the averages is reported. Both averages start at
 * zero; their bias corrections are the same factor, so it cancels in the ratio.
 */
public final class GradientNoiseScale {
  private final double decay;
  private double gradientSquared;
  private double trace;
  private long observed;

  /**
   * @param decay weight of the previous average in each update, in [0, 1)
   */
  public GradientNoiseScale(double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("noise scale decay must be in [0, 1), got " + decay);
    }
    this.decay = decay;
  }

  /**
   * One iteration's unbiased estimates of |G|² and tr(Σ); NaN for both with fewer than 2 shares.
   */
  public record Estimate(double gradientSquared, double trace) {}

  /**
   * @param bigSquaredNorm |Σ_k g_k|², the squared norm of the global gradient sum
   * @param examples B, the examples in the global minibatch
   * @param shares the shares' Σ |g_k|²/n_k and their count K
   */
  public static Estimate estimate(double bigSquaredNorm, long examples, ShareNorms shares) {
    int k = shares.shares();
    if (k < 2 || examples <= k) {
      return new Estimate(Double.NaN, Double.NaN);
    }
    double b = examples;
    double bs = b / k;
    double big = bigSquaredNorm / (b * b);
    double small = shares.weightedSquaredNorms() / b;
    return new Estimate((b * big - bs * small) / (b - bs), (small - big) / (1 / bs - 1 / b));
  }

  /**
   * Folds in one iteration and returns the smoothed B_simple (NaN until an estimate exists or while
   * the smoothed |G|² is not positive).
   *
   * @param gradientSum the global gradient sum Σ_k g_k, before clipping or penalties
   */
  public double observe(double[] gradientSum, long examples, ShareNorms shares) {
    if (shares == null) {
      return value();
    }
    double sq = 0;
    for (double v : gradientSum) {
      sq += v * v;
    }
    Estimate e = estimate(sq, examples, shares);
    if (Double.isFinite(e.gradientSquared()) && Double.isFinite(e.trace())) {
      gradientSquared = decay * gradientSquared + (1 - decay) * e.gradientSquared();
      trace = decay * trace + (1 - decay) * e.trace();
      observed++;
    }
    return value();
  }

  /** The smoothed B_simple = EMA(tr Σ) / EMA(|G|²), or NaN. */
  public double value() {
    return observed > 0 && gradientSquared > 0 ? trace / gradientSquared : Double.NaN;
  }
}
