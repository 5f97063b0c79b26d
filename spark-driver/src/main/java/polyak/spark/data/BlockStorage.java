package polyak.spark.data;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

/**
 * How polyak caches data blocks, and where a cached RDD's blocks live. Blocks that fit in storage
 * memory stay there as objects; the rest are written serialized (Kryo with polyak's registrator
 * where configured) to the executors' local disk and read back from there, never recomputed from
 * the source files. MEMORY_ONLY would drop such blocks and re-read and re-parse the source in every
 * iteration. Not MEMORY_AND_DISK_SER: a block is one large primitive array, which serialization
 * does not shrink, while every iteration's job walks the whole block and would deserialize it each
 * time.
 */
public record BlockStorage(int partitions, int cached, long memoryBytes, long diskBytes) {

  /** The storage level of every cached block RDD (and of the pieces while loading). */
  public static final StorageLevel LEVEL = StorageLevel.MEMORY_AND_DISK();

  /** Where {@code rdd}'s cached blocks are now, from Spark's storage status. */
  public static BlockStorage of(JavaRDD<?> rdd) {
    SparkContext sc = rdd.context();
    for (RDDInfo info : sc.getRDDStorageInfo()) {
      if (info.id() == rdd.id()) {
        return new BlockStorage(
            info.numPartitions(), info.numCachedPartitions(), info.memSize(), info.diskSize());
      }
    }
    return new BlockStorage(rdd.getNumPartitions(), 0, 0, 0);
  }

  /** The share of the cached bytes held in memory (1 when nothing is cached). */
  public double memoryFraction() {
    long total = memoryBytes + diskBytes;
    return total == 0 ? 1.0 : (double) memoryBytes / total;
  }

  /** Whether every partition is cached and all of it in memory. */
  public boolean allInMemory() {
    return cached == partitions && diskBytes == 0;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "%.0f %% in memory (%s in memory, %s on local disk; %d of %d partitions cached)",
        100 * memoryFraction(),
        mib(memoryBytes),
        mib(diskBytes),
        cached,
        partitions);
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
