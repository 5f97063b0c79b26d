package polyak.spark.train;

import polyak.nn.BatchResult;
import polyak.nn.Precision;

/**
 * What one partition returns for one iteration: its gradient sum, batch-norm sums, loss sum,
 * correct and example counts, and how long the forward/backward took on the executor. With {@code
 * precision} float32 the gradient is already rounded to float32 and travels as 4-byte floats
 * ({@link TrainKryo}).
 */
public record PartialGradient(
    int partition,
    double[] gradient,
    double[] normStats,
    double lossSum,
    long correct,
    long count,
    long computeNanos,
    Precision precision) {

  /** A gradient in float64. */
  public PartialGradient(
      int partition,
      double[] gradient,
      double[] normStats,
      double lossSum,
      long correct,
      long count,
      long computeNanos) {
    this(partition, gradient, normStats, lossSum, correct, count, computeNanos, Precision.FLOAT64);
  }

  public BatchResult result() {
    return new BatchResult(lossSum, correct, count);
  }
}
