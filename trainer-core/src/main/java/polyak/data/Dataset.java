package polyak.data;

/**
 * An in-memory block of examples: features either dense row-major ({@code rows × width} in one
 * array) or sparse ({@link SparseRows}, memory proportional to the non-zeros), and either class
 * labels in [0, classes) or real-valued targets ({@code rows × targetWidth}). A Spark partition
 * holds one of these, never one object per example. {@code baseId} is the global index of row 0, so
 * each example has a stable key wherever it lives (dropout masks are drawn per key).
 */
public final class Dataset {
  private final String source;
  private final int rows;
  private final int width;
  private final double[] features;

  /** The features when kept sparse (then {@link #features} is null), else null. */
  private final SparseRows sparse;

  /** The dense features when kept in float32 (then {@link #features} is null), else null. */
  private final float[] floatFeatures;

  private final int[] labels;
  private final int classes;
  private final double[] targets;
  private final int targetWidth;
  private final long baseId;

  private Dataset(
      String source,
      int rows,
      int width,
      double[] features,
      SparseRows sparse,
      int[] labels,
      int classes,
      double[] targets,
      int targetWidth,
      long baseId) {
    this(
        source, rows, width, features, sparse, null, labels, classes, targets, targetWidth, baseId);
  }

  private Dataset(
      String source,
      int rows,
      int width,
      double[] features,
      SparseRows sparse,
      float[] floatFeatures,
      int[] labels,
      int classes,
      double[] targets,
      int targetWidth,
      long baseId) {
    this.source = source;
    this.rows = rows;
    this.width = width;
    this.features = features;
    this.sparse = sparse;
    this.floatFeatures = floatFeatures;
    this.labels = labels;
    this.classes = classes;
    this.targets = targets;
    this.targetWidth = targetWidth;
    this.baseId = baseId;
  }

  /**
   * A classification data set. Validates shapes, finite features and labels in [0, classes); the
   * error names {@code source} and the row.
   */
  public static Dataset classification(
      String source, int width, double[] features, int[] labels, int classes, long baseId) {
    if (width <= 0) {
      throw new DataException(source + ": feature width must be positive, got " + width);
    }
    if (features.length != (long) labels.length * width) {
      throw new DataException(
          source
              + ": "
              + features.length
              + " feature values do not make "
              + labels.length
              + " rows of width "
              + width);
    }
    checkLabels(source, labels, classes);
    checkFinite(source, features, width, "feature");
    return new Dataset(
        source, labels.length, width, features, null, labels, classes, null, 0, baseId);
  }

  /**
   * A classification data set whose features stay sparse (checked finite by {@link SparseRows}).
   */
  public static Dataset classification(
      String source, SparseRows features, int[] labels, int classes, long baseId) {
    if (features.rows() != labels.length) {
      throw new DataException(
          source + ": " + features.rows() + " sparse rows but " + labels.length + " labels");
    }
    checkLabels(source, labels, classes);
    return new Dataset(
        source, labels.length, features.width(), null, features, labels, classes, null, 0, baseId);
  }

  /** A regression data set whose features stay sparse. */
  public static Dataset regression(
      String source, SparseRows features, int targetWidth, double[] targets, long baseId) {
    if (targetWidth <= 0 || targets.length != (long) features.rows() * targetWidth) {
      throw new DataException(
          source
              + ": "
              + targets.length
              + " target values do not make "
              + features.rows()
              + " rows of width "
              + targetWidth);
    }
    checkFinite(source, targets, targetWidth, "target");
    return new Dataset(
        source,
        features.rows(),
        features.width(),
        null,
        features,
        null,
        0,
        targets,
        targetWidth,
        baseId);
  }

  private static void checkLabels(String source, int[] labels, int classes) {
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] < 0 || labels[r] >= classes) {
        throw new DataException(
            source + ": row " + r + ": label " + labels[r] + " outside [0, " + classes + ")");
      }
    }
  }

  /** A regression data set with {@code targetWidth} real targets per row. */
  public static Dataset regression(
      String source, int width, double[] features, int targetWidth, double[] targets, long baseId) {
    if (width <= 0 || targetWidth <= 0) {
      throw new DataException(
          source + ": widths must be positive, got features " + width + ", targets " + targetWidth);
    }
    int rows = features.length / width;
    if (features.length != rows * width || targets.length != rows * targetWidth) {
      throw new DataException(
          source
              + ": "
              + features.length
              + " feature values and "
              + targets.length
              + " target values do not make whole rows of width "
              + width
              + " and "
              + targetWidth);
    }
    checkFinite(source, features, width, "feature");
    checkFinite(source, targets, targetWidth, "target");
    return new Dataset(source, rows, width, features, null, null, 0, targets, targetWidth, baseId);
  }

  private static void checkFinite(String source, double[] values, int width, String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new DataException(
            source
                + ": row "
                + (i / width)
                + ", "
                + what
                + " "
                + (i % width)
                + ": value "
                + values[i]
                + " is not finite");
      }
    }
  }

  /** The same examples with new features (e.g. standardised); labels and targets are shared. */
  public Dataset withFeatures(double[] newFeatures) {
    if (newFeatures.length != features().length) {
      throw new IllegalArgumentException(
          "feature array length " + newFeatures.length + " != " + features.length);
    }
    return new Dataset(
        source, rows, width, newFeatures, null, labels, classes, targets, targetWidth, baseId);
  }

  /** The same examples with new sparse features of the same shape; labels and targets shared. */
  public Dataset withSparseFeatures(SparseRows newFeatures) {
    if (newFeatures.rows() != rows || newFeatures.width() != width) {
      throw new IllegalArgumentException(
          newFeatures.rows() + " × " + newFeatures.width() + " for " + rows + " × " + width);
    }
    return new Dataset(
        source, rows, width, null, newFeatures, labels, classes, targets, targetWidth, baseId);
  }

  /** These examples with dense features (a copy); a dense set is returned as it is. */
  public Dataset densified() {
    return sparse == null
        ? this
        : new Dataset(
            source,
            rows,
            width,
            sparse.toDense(),
            null,
            labels,
            classes,
            targets,
            targetWidth,
            baseId);
  }

  /**
   * The same examples with features of another width (e.g. projected by PCA); labels and targets
   * are shared.
   */
  public Dataset withFeatures(int newWidth, double[] newFeatures) {
    if (newWidth <= 0 || newFeatures.length != (long) rows * newWidth) {
      throw new IllegalArgumentException(
          newFeatures.length + " values do not make " + rows + " rows of width " + newWidth);
    }
    return new Dataset(
        source, rows, newWidth, newFeatures, null, labels, classes, targets, targetWidth, baseId);
  }

  /**
   * These examples with dense features held in float32 (half the memory), for training in {@link
   * polyak.nn.Precision#FLOAT32}; sparse and float32 sets are returned as they are.
   *
   * @throws DataException naming the row and feature when a value is beyond float32's range
   */
  public Dataset toFloat32() {
    if (sparse != null || floatFeatures != null) {
      return this;
    }
    float[] f = new float[features.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) features[i];
      if (Float.isInfinite(f[i])) {
        throw new DataException(
            source
                + ": row "
                + (i / width)
                + ", feature "
                + (i % width)
                + ": value "
                + features[i]
                + " is beyond float32's range (use compute.precision = float64)");
      }
    }
    return new Dataset(
        source, rows, width, null, null, f, labels, classes, targets, targetWidth, baseId);
  }

  /** Whether the dense features are held in float32 ({@link #floatFeatures()}). */
  public boolean isFloat32() {
    return floatFeatures != null;
  }

  /** The float32 features (row-major), or null when not held so; shared, not copied. */
  public float[] floatFeatures() {
    return floatFeatures;
  }

  /** Rows [from, from + count) as a data set of their own (copies), keeping their global ids. */
  public Dataset slice(int from, int count) {
    SparseRows s = sparse == null ? null : sparse.slice(from, count);
    float[] ff =
        floatFeatures == null
            ? null
            : java.util.Arrays.copyOfRange(floatFeatures, from * width, (from + count) * width);
    double[] f =
        sparse != null || floatFeatures != null
            ? null
            : java.util.Arrays.copyOfRange(features, from * width, (from + count) * width);
    int[] l = labels == null ? null : java.util.Arrays.copyOfRange(labels, from, from + count);
    double[] t =
        targets == null
            ? null
            : java.util.Arrays.copyOfRange(
                targets, from * targetWidth, (from + count) * targetWidth);
    return new Dataset(source, count, width, f, s, ff, l, classes, t, targetWidth, baseId + from);
  }

  public String source() {
    return source;
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return width;
  }

  /**
   * Row-major features; shared, not copied: do not modify.
   *
   * @throws IllegalStateException for sparse or float32 features (see {@link #isSparse()}, {@link
   *     #isFloat32()})
   */
  public double[] features() {
    if (floatFeatures != null) {
      throw new IllegalStateException(
          source
              + ": the features are held in float32 for training; this step needs them in float64"
              + " (compute.precision = float64)");
    }
    if (sparse != null) {
      throw new IllegalStateException(
          source
              + ": the features are kept sparse ("
              + sparse.nonZeros()
              + " non-zeros in "
              + rows
              + " × "
              + width
              + "); this step needs dense rows (data.sparse = false)");
    }
    return features;
  }

  /** Whether the features are kept sparse ({@link #sparseFeatures()}) rather than dense. */
  public boolean isSparse() {
    return sparse != null;
  }

  /** The sparse features, or null when they are dense; shared, not copied. */
  public SparseRows sparseFeatures() {
    return sparse;
  }

  public boolean isClassification() {
    return labels != null;
  }

  /** Class labels, or null for a regression set; shared, not copied. */
  public int[] labels() {
    return labels;
  }

  public int classes() {
    return classes;
  }

  /** Row-major targets, or null for a classification set; shared, not copied. */
  public double[] targets() {
    return targets;
  }

  public int targetWidth() {
    return isClassification() ? classes : targetWidth;
  }

  public long baseId() {
    return baseId;
  }
}
