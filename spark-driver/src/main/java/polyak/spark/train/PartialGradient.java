package polyak.spark.train;

import polyak.nn.BatchResult;

/**
 * What one partition returns for one iteration: its gradient sum, batch-norm sums, loss sum,
 * correct and example counts, and how long the forward/backward took on the executor.
 */
public record PartialGradient(
    int partition,
    double[] gradient,
    double[] normStats,
    double lossSum,
    long correct,
    long count,
    long computeNanos) {

  public BatchResult result() {
    return new BatchResult(lossSum, correct, count);
  }
}
