package polyak.optim;

/** ε₀ · e^(−k·iteration). */
public record ExponentialDecaySchedule(double initial, double k) implements Schedule {
  @Override
  public double valueAt(long iteration) {
    return initial * Math.exp(-k * iteration);
  }
}
