package polyak.optim;

/** ε₀ / (1 + k·iteration). */
public record InverseTimeDecaySchedule(double initial, double k) implements Schedule {
  @Override
  public double valueAt(long iteration) {
    return initial / (1 + k * iteration);
  }
}
