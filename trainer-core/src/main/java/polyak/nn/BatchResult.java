package polyak.nn;

/**
 * Sums over the examples of one forward pass: the loss sum, how many were classified correctly (0
 * for regression) and how many there were. Partition results add up; divide by {@code count} for
 * means.
 */
public record BatchResult(double lossSum, long correct, long count) {
  public static final BatchResult EMPTY = new BatchResult(0, 0, 0);

  public BatchResult plus(BatchResult o) {
    return new BatchResult(lossSum + o.lossSum, correct + o.correct, count + o.count);
  }

  public double meanLoss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }

  public double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }
}
