package polyak.optim;

/**
 * end + (start − end)·(1 − min(iteration, T)/T)^power, then constant at {@code end}. With start
 * below end and power 1 this is a linear ramp, e.g. momentum annealed from 0.5 to 0.99 over T
 * iterations.
 */
public record PolynomialSchedule(double start, double end, long totalIterations, double power)
    implements Schedule {
  public PolynomialSchedule {
    if (totalIterations <= 0) {
      throw new IllegalArgumentException("totalIterations must be > 0, got " + totalIterations);
    }
  }

  public static PolynomialSchedule linear(double start, double end, long totalIterations) {
    return new PolynomialSchedule(start, end, totalIterations, 1.0);
  }

  @Override
  public double valueAt(long iteration) {
    if (iteration >= totalIterations) {
      return end;
    }
    double remaining = 1.0 - (double) iteration / totalIterations;
    return end + (start - end) * Math.pow(remaining, power);
  }
}
