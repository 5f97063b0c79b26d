package polyak.spark.config;

/**
 * Config block {@code data.pca}: keep the first {@code components} principal components (0: off).
 */
public record PcaConfig(int components, boolean whiten) {
  public static final PcaConfig NONE = new PcaConfig(0, false);
}
