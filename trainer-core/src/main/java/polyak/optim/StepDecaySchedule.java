package polyak.optim;

/**
 * ε₀ · factor^⌊iteration / stepIterations⌋: multiplied by {@code factor} every {@code
 * stepIterations}.
 */
public record StepDecaySchedule(double initial, double factor, long stepIterations)
    implements Schedule {
  public StepDecaySchedule {
    if (stepIterations <= 0) {
      throw new IllegalArgumentException("stepIterations must be > 0, got " + stepIterations);
    }
  }

  /** Decays by {@code factor} every {@code epochs} epochs. */
  public static StepDecaySchedule everyEpochs(
      double initial, double factor, long epochs, long iterationsPerEpoch) {
    return new StepDecaySchedule(initial, factor, Math.multiplyExact(epochs, iterationsPerEpoch));
  }

  @Override
  public double valueAt(long iteration) {
    return initial * Math.pow(factor, (double) (iteration / stepIterations));
  }
}
