package polyak.spark.train;

import polyak.nn.BatchResult;
import polyak.nn.Precision;

/**
 * What travels in sharded aggregation ({@link ShardedAggregation}): one slice of one partition's
 * gradient and batch-norm sums, with that partition's loss sum, counts, compute time and squared
 * gradient norm (for the noise scale); or, with {@code partition} = {@link #SUM}, one slice summed
 * over every partition. A partition's slice of a float32 gradient travels as 4-byte floats.
 */
public record GradientSlice(
    int partition,
    double[] gradient,
    double[] normStats,
    double lossSum,
    long correct,
    long count,
    long computeNanos,
    double squaredNorm,
    Precision precision) {

  /** A slice in float64 (sums are always float64). */
  public GradientSlice(
      int partition,
      double[] gradient,
      double[] normStats,
      double lossSum,
      long correct,
      long count,
      long computeNanos,
      double squaredNorm) {
    this(
        partition,
        gradient,
        normStats,
        lossSum,
        correct,
        count,
        computeNanos,
        squaredNorm,
        Precision.FLOAT64);
  }

  /** The partition of a slice summed over all partitions. */
  public static final int SUM = -1;

  public BatchResult result() {
    return new BatchResult(lossSum, correct, count);
  }
}
