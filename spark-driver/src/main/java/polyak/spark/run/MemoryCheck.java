package polyak.spark.run;

import java.util.Locale;
import polyak.spark.config.ConfigError;
import polyak.spark.config.PolyakConfig;
import polyak.spec.NetworkSpec;

/**
 * Checks up front, in long arithmetic, that the driver can hold a network's vectors, instead of
 * failing later with an OutOfMemoryError trace. The driver keeps about {@link #VECTORS} copies of
 * the flat parameter vector (parameters, gradient, gradient sum, the broadcast copy, the divergence
 * guard's last good parameters, optimizer state, averages, early stopping's best) plus two per
 * L-BFGS history entry.
 */
public final class MemoryCheck {
  static final int VECTORS = 8;

  private MemoryCheck() {}

  /**
   * @throws ConfigError naming the network's largest layer when the vectors exceed {@code
   *     maxHeapBytes}
   */
  public static void check(PolyakConfig config, long maxHeapBytes) {
    NetworkSpec spec = config.network();
    long parameters = spec.parameterCount();
    int vectors =
        VECTORS
            + (config.training().optimizer().kind().fullBatch()
                ? 2 * config.training().optimizer().history()
                : 0);
    long bytes = parameters * 8L * vectors;
    if (bytes > maxHeapBytes) {
      int i = spec.largestLayer();
      throw new ConfigError(
          String.format(
              Locale.ROOT,
              "network.layers[%d] (%s): the network's %d parameters need"
                  + " about %.1f GiB on the driver (%d vectors of 8-byte values), more than the JVM's maximum heap of %.1f GiB"
                  + " (raise -Xmx / POLYAK_JAVA_OPTS or spark.driver.memory, or shrink the layer)",
              i,
              spec.layers().get(i).text(),
              parameters,
              bytes / 1073741824.0,
              vectors,
              maxHeapBytes / 1073741824.0));
    }
  }
}
