package polyak.spark.data;

import org.apache.spark.Partitioner;

/** Sends a record keyed by its target partition index to that partition. */
final class TargetPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;

  private final int partitions;

  TargetPartitioner(int partitions) {
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    return (Integer) key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TargetPartitioner t && t.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return partitions;
  }
}
