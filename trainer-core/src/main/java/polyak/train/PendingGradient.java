package polyak.train;

/**
 * A minibatch gradient started by {@link GradientSource#submit}: computed already (in this thread)
 * or still running (on Spark executors, behind a driver thread).
 */
public interface PendingGradient {
  /**
   * Waits for the gradient and writes its sums into {@code gradientSum} and {@code normStatsSum}
   * (overwriting them).
   */
  GradientResult await(double[] gradientSum, double[] normStatsSum);

  /** Waits for the gradient and drops it (a run that ends with a gradient still in flight). */
  void discard();

  /** A gradient computed before it was asked for. */
  static PendingGradient done(GradientResult result, double[] gradientSum, double[] normStatsSum) {
    return new PendingGradient() {
      @Override
      public GradientResult await(double[] g, double[] s) {
        System.arraycopy(gradientSum, 0, g, 0, g.length);
        System.arraycopy(normStatsSum, 0, s, 0, s.length);
        return result;
      }

      @Override
      public void discard() {}
    };
  }
}
