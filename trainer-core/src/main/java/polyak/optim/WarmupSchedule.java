package polyak.optim;

/**
 * Gradual linear warmup in front of any schedule: from {@code startValue} at iteration 0 rising
 * linearly to {@code base.valueAt(warmupIterations)} at iteration {@code warmupIterations}, where
 * it hands over to the base schedule (which is not shifted: after warmup the value is exactly
 * {@code base.valueAt(iteration)}).
 */
public record WarmupSchedule(Schedule base, long warmupIterations, double startValue)
    implements Schedule {
  public WarmupSchedule {
    if (base == null) {
      throw new IllegalArgumentException("base schedule must not be null");
    }
    if (warmupIterations < 0) {
      throw new IllegalArgumentException("warmupIterations must be >= 0, got " + warmupIterations);
    }
  }

  @Override
  public double valueAt(long iteration) {
    if (iteration >= warmupIterations) {
      return base.valueAt(iteration);
    }
    double target = base.valueAt(warmupIterations);
    return startValue + (target - startValue) * ((double) iteration / warmupIterations);
  }
}
