package polyak.train;

/**
 * Where a distributed gradient's wall time went, in milliseconds: creating the broadcast, the
 * slowest executor's forward/backward, the rest of the gradient job (scheduling, broadcast fetch,
 * result transfer, the driver's ordered sum), and the whole job after the broadcast.
 */
public record GradientTiming(
    double broadcastMs, double computeMs, double aggregateMs, double jobMs) {}
