package polyak.spark.config;

/**
 * Feature preprocessing: none, pixels (x / 255), or z-score standardisation fitted on the training
 * set.
 */
public enum Scaling {
  NONE,
  PIXELS,
  STANDARDIZE
}
