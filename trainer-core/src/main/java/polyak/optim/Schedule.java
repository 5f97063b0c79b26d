package polyak.optim;

/**
 * A value that varies with training progress: a learning rate, or a momentum coefficient. {@code
 * iteration} counts completed updates, so the update with 1-based step number t uses {@code
 * valueAt(t - 1)} and the first update sees iteration 0. Epoch-based schedules are built with the
 * number of iterations per epoch.
 */
@FunctionalInterface
public interface Schedule {
  double valueAt(long iteration);

  /** The epoch (as a double) that an iteration falls in, for logging and epoch-based schedules. */
  static double epochOf(long iteration, long iterationsPerEpoch) {
    if (iterationsPerEpoch <= 0) {
      throw new IllegalArgumentException(
          "iterationsPerEpoch must be > 0, got " + iterationsPerEpoch);
    }
    return (double) iteration / iterationsPerEpoch;
  }
}
