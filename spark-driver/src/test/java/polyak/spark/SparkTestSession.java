package polyak.spark;

import org.apache.spark.sql.SparkSession;

/**
 * A local[2] Spark session on loopback for tests; share one per test class (start-up takes
 * seconds).
 */
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

  /**
   * Like {@link #start} with Kryo and {@code registrationRequired}, so a class missing from {@link
   * PolyakKryoRegistrator} fails the test. Stop any other session of this JVM first: {@code
   * getOrCreate} would otherwise return it unchanged.
   */
  public static SparkSession startKryo(String name) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(name)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", PolyakKryoRegistrator.class.getName())
        .config("spark.kryo.registrationRequired", "true")
        .getOrCreate();
  }
}
