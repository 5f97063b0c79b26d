package polyak.nn;

/**
 * What one forward pass needs besides the data: training or inference, the seed of this iteration's
 * random streams, a stable key per row (its global example index, so a dropout mask depends on the
 * example and the iteration, not on which partition or position it landed in), and where batch-norm
 * layers add their batch sums (Σx, Σx²) for the running statistics.
 */
public final class Pass {
  boolean training;
  long seed;
  long[] rowKeys = new long[0];
  double[] batchStats;

  public boolean training() {
    return training;
  }

  public long seed() {
    return seed;
  }

  public long rowKey(int row) {
    return rowKeys[row];
  }

  /** Null when the caller does not collect batch statistics. */
  public double[] batchStats() {
    return batchStats;
  }

  void set(boolean training, long seed, double[] batchStats) {
    this.training = training;
    this.seed = seed;
    this.batchStats = batchStats;
  }

  long[] keys(int rows) {
    if (rowKeys.length < rows) {
      rowKeys = new long[rows];
    }
    return rowKeys;
  }
}
