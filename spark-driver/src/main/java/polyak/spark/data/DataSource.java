package polyak.spark.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable description of where training (or test) data lives and how to read it. Paths are
 * Hadoop URIs ({@code file://}, {@code hdfs://}, {@code s3a://}) or plain local paths; text and
 * Parquet paths may be directories or globs. Build one with a format factory and refine it with the
 * {@code with…} methods, each of which returns a new instance.
 *
 * @param paths for IDX: [images, labels]; otherwise the files, directories or globs to read
 * @param limit the row limit, or {@link Long#MAX_VALUE} for none
 * @param sparse whether LibSVM rows and Parquet vectors load into sparse blocks ({@code
 *     data.sparse})
 */
public record DataSource(
    DataFormat format,
    List<String> paths,
    int classes,
    int csvLabelColumn,
    boolean csvHeader,
    char csvDelimiter,
    int libsvmFeatures,
    String parquetFeaturesColumn,
    String parquetLabelColumn,
    long limit,
    SparseMode sparse)
    implements Serializable {
  private static final long serialVersionUID = 2L;

  /**
   * The number of classes that says the label column holds a real-valued target (regression: one
   * target per row, for the mse and l1 losses) rather than a class index.
   */
  public static final int REAL_TARGETS = 0;

  /** Checks and copies; use a format factory and the {@code with…} methods rather than this. */
  public DataSource {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException(format + " data source needs at least one path");
    }
    for (String p : paths) {
      if (p == null || p.isBlank()) {
        throw new IllegalArgumentException(format + " data source: blank path");
      }
    }
    paths = List.copyOf(paths);
    if (sparse == null) {
      throw new IllegalArgumentException("sparse mode must be set (SparseMode.AUTO by default)");
    }
    if (classes < 0) {
      throw new IllegalArgumentException(
          "number of classes must be positive (or "
              + REAL_TARGETS
              + " for real-valued targets), got "
              + classes);
    }
  }

  /** Fashion-MNIST style IDX: unsigned-byte images (any dimensions after the first) and labels. */
  public static DataSource idx(String imagesPath, String labelsPath, int classes) {
    return new DataSource(
        DataFormat.IDX,
        Arrays.asList(imagesPath, labelsPath),
        classes,
        0,
        false,
        ',',
        0,
        null,
        null,
        Long.MAX_VALUE,
        SparseMode.AUTO);
  }

  /**
   * CSV files with the label in column 0, no header, comma-delimited; see the {@code with…}
   * methods.
   */
  public static DataSource csv(int classes, String... paths) {
    return new DataSource(
        DataFormat.CSV,
        Arrays.asList(paths),
        classes,
        0,
        false,
        ',',
        0,
        null,
        null,
        Long.MAX_VALUE,
        SparseMode.AUTO);
  }

  /** LibSVM files with {@code features} features (indices 1..features). */
  public static DataSource libsvm(int features, int classes, String... paths) {
    if (features < 1) {
      throw new IllegalArgumentException("LibSVM feature count must be positive, got " + features);
    }
    return new DataSource(
        DataFormat.LIBSVM,
        Arrays.asList(paths),
        classes,
        0,
        false,
        ',',
        features,
        null,
        null,
        Long.MAX_VALUE,
        SparseMode.AUTO);
  }

  /**
   * Parquet files whose {@code featuresColumn} is a Spark ML vector or an array of doubles/floats
   * and whose {@code labelColumn} holds integral class labels.
   */
  public static DataSource parquet(
      String featuresColumn, String labelColumn, int classes, String... paths) {
    if (featuresColumn == null
        || featuresColumn.isBlank()
        || labelColumn == null
        || labelColumn.isBlank()) {
      throw new IllegalArgumentException(
          "Parquet data source needs feature and label column names");
    }
    return new DataSource(
        DataFormat.PARQUET,
        Arrays.asList(paths),
        classes,
        0,
        false,
        ',',
        0,
        featuresColumn,
        labelColumn,
        Long.MAX_VALUE,
        SparseMode.AUTO);
  }

  /** CSV only: the 0-based index of the label column. */
  public DataSource withLabelColumn(int column) {
    require(DataFormat.CSV, "a label column index");
    if (column < 0) {
      throw new IllegalArgumentException("label column index must be >= 0, got " + column);
    }
    return new DataSource(
        format,
        paths,
        classes,
        column,
        csvHeader,
        csvDelimiter,
        libsvmFeatures,
        parquetFeaturesColumn,
        parquetLabelColumn,
        limit,
        sparse);
  }

  /** CSV only: whether every file starts with a header line (skipped). */
  public DataSource withHeader(boolean header) {
    require(DataFormat.CSV, "a header");
    return new DataSource(
        format,
        paths,
        classes,
        csvLabelColumn,
        header,
        csvDelimiter,
        libsvmFeatures,
        parquetFeaturesColumn,
        parquetLabelColumn,
        limit,
        sparse);
  }

  /** CSV only: the field delimiter. */
  public DataSource withDelimiter(char delimiter) {
    require(DataFormat.CSV, "a delimiter");
    if (delimiter == '\n' || delimiter == '\r' || delimiter == '.' || delimiter == '-') {
      throw new IllegalArgumentException("unusable CSV delimiter '" + delimiter + "'");
    }
    return new DataSource(
        format,
        paths,
        classes,
        csvLabelColumn,
        csvHeader,
        delimiter,
        libsvmFeatures,
        parquetFeaturesColumn,
        parquetLabelColumn,
        limit,
        sparse);
  }

  /** Keep only the first {@code rows} rows (in file order) — for subsets and quick runs. */
  public DataSource withLimit(long rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("row limit must be positive, got " + rows);
    }
    return new DataSource(
        format,
        paths,
        classes,
        csvLabelColumn,
        csvHeader,
        csvDelimiter,
        libsvmFeatures,
        parquetFeaturesColumn,
        parquetLabelColumn,
        rows,
        sparse);
  }

  /** Whether LibSVM rows and Parquet vectors load sparse: {@code data.sparse}. */
  public DataSource withSparse(SparseMode mode) {
    return new DataSource(
        format,
        paths,
        classes,
        csvLabelColumn,
        csvHeader,
        csvDelimiter,
        libsvmFeatures,
        parquetFeaturesColumn,
        parquetLabelColumn,
        limit,
        mode);
  }

  private void require(DataFormat needed, String what) {
    if (format != needed) {
      throw new IllegalArgumentException(
          format + " data source has no " + what + " (only " + needed + ")");
    }
  }

  /** Whether the labels are real-valued targets ({@code classes} is {@link #REAL_TARGETS}). */
  public boolean realTargets() {
    return classes == REAL_TARGETS;
  }

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder(format.name().toLowerCase(java.util.Locale.ROOT)).append(' ');
    s.append(
        format == DataFormat.IDX
            ? "images=" + paths.get(0) + " labels=" + paths.get(1)
            : String.join(",", paths));
    switch (format) {
      case CSV ->
          s.append(" (label column ")
              .append(csvLabelColumn)
              .append(csvHeader ? ", header" : "")
              .append(csvDelimiter == ',' ? "" : ", delimiter '" + csvDelimiter + "'")
              .append(')');
      case LIBSVM -> s.append(" (").append(libsvmFeatures).append(" features)");
      case PARQUET ->
          s.append(" (features ")
              .append(parquetFeaturesColumn)
              .append(", label ")
              .append(parquetLabelColumn)
              .append(')');
      default -> {}
    }
    s.append(", ").append(classes == REAL_TARGETS ? "real-valued targets" : classes + " classes");
    if (limit != Long.MAX_VALUE) {
      s.append(", first ").append(limit).append(" rows");
    }
    if (sparse != SparseMode.AUTO) {
      s.append(", sparse = ").append(sparse.text());
    }
    return s.toString();
  }
}
