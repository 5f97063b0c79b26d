package polyak.spark.data;

/** Contiguous, balanced row ranges: partition p holds global rows [start(p), start(p + 1)). */
final class Partitioning {
  private Partitioning() {}

  static long start(int p, long rows, int partitions) {
    return (long) p * rows / partitions;
  }
}
