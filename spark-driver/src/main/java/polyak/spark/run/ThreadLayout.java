package polyak.spark.run;

import org.apache.spark.SparkContext;
import polyak.spark.config.PolyakConfig;

/**
 * How many threads each gradient task runs: {@code spark.threads_per_task}, or for 0 (auto) one
 * task per executor with all its cores when {@code data.partitions} is left to Spark (0), else one
 * thread per task (the partitions then name the layout).
 */
public final class ThreadLayout {
  private ThreadLayout() {}

  public static int threadsPerTask(SparkContext sc, PolyakConfig config) {
    if (config.threadsPerTask() > 0) {
      return config.threadsPerTask();
    }
    return config.partitions() > 0 ? 1 : executorCores(sc);
  }

  /** {@code spark.executor.cores} if set, else the cores of a local master, else 1. */
  static int executorCores(SparkContext sc) {
    if (sc.getConf().contains("spark.executor.cores")) {
      return Math.max(1, sc.getConf().getInt("spark.executor.cores", 1));
    }
    return sc.isLocal() ? Math.max(1, sc.defaultParallelism()) : 1;
  }
}
