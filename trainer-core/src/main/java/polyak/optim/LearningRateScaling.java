package polyak.optim;

/** Rules for adapting a base learning rate tuned at batch size B_ref to batch size B. */
public final class LearningRateScaling {
  private LearningRateScaling() {}

  /** The linear scaling rule ε = ε_base·B/B_ref (Goyal et al.; pair it with warmup). */
  public static double linear(double baseRate, long batchSize, long referenceBatchSize) {
    return baseRate * ratio(batchSize, referenceBatchSize);
  }

  /** Square-root scaling ε = ε_base·√(B/B_ref), keeping the gradient-noise scale of the update. */
  public static double squareRoot(double baseRate, long batchSize, long referenceBatchSize) {
    return baseRate * Math.sqrt(ratio(batchSize, referenceBatchSize));
  }

  private static double ratio(long batchSize, long referenceBatchSize) {
    if (batchSize <= 0 || referenceBatchSize <= 0) {
      throw new IllegalArgumentException(
          "batch sizes must be > 0, got batchSize="
              + batchSize
              + " referenceBatchSize="
              + referenceBatchSize);
    }
    return (double) batchSize / referenceBatchSize;
  }
}
