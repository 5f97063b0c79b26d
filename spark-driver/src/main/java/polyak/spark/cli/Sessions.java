package polyak.spark.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session for a command. Under spark-submit the master and every {@code --conf} come from
 * spark-submit; run directly, polyak uses {@code local[*]}. Kryo with polyak's registrator is the
 * default serializer unless the user set another.
 */
public final class Sessions {
  private Sessions() {}

  public static SparkSession create(String appName, String masterOverride) {
    SparkConf conf = new SparkConf(true);
    if (masterOverride != null) {
      conf.setMaster(masterOverride);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    MasterCheck.check(conf.get("spark.master"));
    boolean local = conf.get("spark.master").startsWith("local");
    if (local) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.kryo.registrator", "polyak.spark.PolyakKryoRegistrator");
    conf.setIfMissing("spark.app.name", appName);
    // Each iteration every task returns a gradient of P doubles (1.9 MB for 235k parameters). Above
    // maxDirectResultSize (1 MiB by default) Spark parks results in the block manager and the
    // driver
    // fetches them in a second round trip; polyak's results fit in one RPC message (≤ 128 MiB).
    conf.setIfMissing("spark.task.maxDirectResultSize", "120m");
    // Kryo's unsafe streams copy double[] in bulk instead of one writeLong per element: the
    // gradient job's median fell from 316 to 198 ms (and 286 to 256 ms in a second pair) for a
    // 235k-parameter network at near-zero compute, local[2], measured alternately on a busy
    // machine.
    conf.setIfMissing("spark.kryo.unsafe", "true");
    // Spark runs one task per executor core; a native BLAS must not start threads of its own.
    conf.setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
    // The broadcast parameters are doubles: LZ4 finds nothing to compress in them.
    conf.setIfMissing("spark.broadcast.compress", "false");
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
