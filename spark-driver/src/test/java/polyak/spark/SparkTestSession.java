package polyak.spark;

import org.apache.spark.sql.SparkSession;

/** A local[2] Spark session on loopback for tests; share one per test class (start-up takes seconds). */
public final class SparkTestSession {
  private SparkTestSession() {}

  public static SparkSession start(String name) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(name)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  /** As {@link #start} with Kryo serialization. */
  public static SparkSession startWithKryo(String name) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(name)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "polyak.spark.PolyakKryoRegistrator")
        .config("spark.kryo.registrationRequired", "true")
        .getOrCreate();
  }
}
