package polyak.train;

import polyak.nn.BatchResult;

/**
 * What a {@link GradientSource} returns with the gradient sums it filled in: the minibatch's loss,
 * correct and example counts, where its time went — or null when the source does not split its time
 * (the in-JVM {@link LocalGradientSource}) — and the per-share squared gradient norms (null when
 * the source does not give them).
 */
public record GradientResult(BatchResult batch, GradientTiming timing, ShareNorms shares) {
  public GradientResult(BatchResult batch, GradientTiming timing) {
    this(batch, timing, null);
  }
}
