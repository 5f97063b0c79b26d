package polyak.optim;

/**
 * An average of the parameter iterates kept beside training (Polyak averaging). Evaluation and
 * export read {@link #average()} while the optimizer keeps stepping the raw θ.
 */
public interface IterateAverage extends Checkpointable {
  /** Folds in θ after the update with 1-based step number t. */
  void update(double[] theta, long t);

  /** Number of iterates averaged so far. */
  long count();

  /**
   * The averaged vector, a live view owned by this object: do not modify it, and copy it if it must
   * survive later updates. Throws if no iterate has been averaged yet.
   */
  double[] average();

  default void copyAverageInto(double[] target) {
    double[] avg = average();
    if (target.length != avg.length) {
      throw new IllegalArgumentException(
          "expected " + avg.length + " parameters, got " + target.length);
    }
    System.arraycopy(avg, 0, target, 0, avg.length);
  }
}
