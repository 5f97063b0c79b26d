package polyak.train;

import polyak.nn.BatchResult;

/**
 * What a {@link GradientSource} returns with the gradient sums it filled in: the minibatch's loss,
 * correct and example counts, and where its time went — or null when the source does not split its
 * time (the in-JVM {@link LocalGradientSource}).
 */
public record GradientResult(BatchResult batch, GradientTiming timing) {}
