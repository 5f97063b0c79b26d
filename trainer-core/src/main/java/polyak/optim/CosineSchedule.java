package polyak.optim;

/** floor + (initial − floor)·½(1 + cos(π·min(iteration, T)/T)), then constant at {@code floor}. */
public record CosineSchedule(double initial, double floor, long totalIterations)
    implements Schedule {
  public CosineSchedule {
    if (totalIterations <= 0) {
      throw new IllegalArgumentException("totalIterations must be > 0, got " + totalIterations);
    }
  }

  @Override
  public double valueAt(long iteration) {
    if (iteration >= totalIterations) {
      return floor;
    }
    double progress = (double) iteration / totalIterations;
    return floor + (initial - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
