package polyak.optim;

/** Whether a validation metric improves upwards (accuracy) or downwards (loss). */
public enum MetricGoal {
  MAXIMIZE,
  MINIMIZE;

  /**
   * True if {@code candidate} beats {@code best} by more than {@code minDelta}; NaN never improves.
   */
  boolean improves(double candidate, double best, double minDelta) {
    if (Double.isNaN(candidate)) {
      return false;
    }
    if (Double.isNaN(best)) {
      return true;
    }
    return this == MAXIMIZE ? candidate > best + minDelta : candidate < best - minDelta;
  }
}
