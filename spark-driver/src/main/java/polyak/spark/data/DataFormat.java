package polyak.spark.data;

/** File formats {@link TrainingData} can load. */
public enum DataFormat {
  /** IDX (MNIST / Fashion-MNIST): an images file and a labels file, raw or gzip. */
  IDX,
  /** Delimited text: one label column plus feature columns; no quoting. */
  CSV,
  /** LibSVM / SVMlight text: {@code label index:value ...} with 1-based ascending indices. */
  LIBSVM,
  /** Parquet with a features column (Spark ML vector or numeric array) and a label column. */
  PARQUET
}
