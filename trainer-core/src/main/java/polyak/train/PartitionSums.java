package polyak.train;

/**
 * Adding per-partition sums. Each partition's sums are formed on their own and added in partition
 * order — in this JVM by {@link LocalGradientSource}, on the Spark driver from executor results —
 * so both produce the same bits.
 */
public final class PartitionSums {
  private PartitionSums() {}

  /** {@code sum += part}, element by element. */
  public static void addInto(double[] sum, double[] part) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += part[i];
    }
  }
}
