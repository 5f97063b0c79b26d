package polyak.spark.train;

/**
 * Where an iteration's wall time went, in milliseconds: creating the broadcast, the slowest
 * executor's forward/backward, the rest of the gradient job (scheduling, broadcast fetch, result
 * transfer, the driver's ordered sum), and the driver's optimizer step (filled in by the loop).
 */
public record IterationTiming(double broadcastMs, double computeMs, double aggregateMs, double jobMs) {}
