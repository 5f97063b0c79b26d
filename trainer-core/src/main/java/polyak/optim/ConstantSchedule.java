package polyak.optim;

/** The same value at every iteration. */
public record ConstantSchedule(double value) implements Schedule {
  @Override
  public double valueAt(long iteration) {
    return value;
  }
}
