package polyak.spark.data;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import polyak.data.DataException;
import polyak.data.Dataset;

/**
 * Loads a {@link DataSource} into P cached blocks (dense, or sparse as {@link SparseMode} decides),
 * validating every row before training starts. Bad data fails here, on the driver, with a {@link
 * polyak.data.DataException} naming the file, the row (the 1-based line number for text formats)
 * and the problem. Rows keep file order (files in the order of the source's paths, sorted by name
 * within a directory or glob; Parquet in Spark's scan order), so a row's global id is stable across
 * runs with the same files.
 */
public final class TrainingData {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

  private TrainingData() {}

  /** Into {@code sc.defaultParallelism()} partitions (the executors' total cores). */
  public static LoadedData load(SparkSession spark, DataSource source) {
    return load(spark, source, spark.sparkContext().defaultParallelism());
  }

  public static LoadedData load(SparkSession spark, DataSource source, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partition count must be positive, got " + partitions);
    }
    long started = System.nanoTime();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = sc.hadoopConfiguration();
    String name = source.toString();
    LoadedData data =
        switch (source.format()) {
          case IDX -> loadIdx(sc, hadoop, source, partitions, name);
          case CSV, LIBSVM -> {
            List<String> files = HadoopFiles.list(hadoop, source.paths());
            LineParser parser =
                source.format() == DataFormat.CSV
                    ? new CsvLineParser(
                        source.csvLabelColumn(), source.csvDelimiter(), source.classes())
                    : new LibSvmLineParser(source.libsvmFeatures(), source.classes());
            yield rebalanced(
                TextBlocks.pieces(
                    sc,
                    broadcast(sc, hadoop),
                    files,
                    source.format() == DataFormat.CSV && source.csvHeader(),
                    parser),
                source,
                partitions,
                name);
          }
          case PARQUET -> {
            HadoopFiles.requireMatches(hadoop, source.paths());
            yield rebalanced(
                ParquetBlocks.pieces(spark, source.paths(), source), source, partitions, name);
          }
        };
    LOG.info("loaded {} in {} ms", data.description(), (System.nanoTime() - started) / 1_000_000);
    LOG.info("cached {}: {}", name, data.storage());
    return data;
  }

  private static LoadedData loadIdx(
      JavaSparkContext sc, Configuration hadoop, DataSource source, int partitions, String name) {
    if (source.realTargets()) {
      throw new polyak.data.DataException(
          source.paths().get(1)
              + ": IDX labels are classes; real-valued targets"
              + " (data.classes = 0) need data.format csv, libsvm or parquet");
    }
    IdxBlocks.Shape shape = IdxBlocks.shape(hadoop, source);
    long rows = Math.min(shape.rows(), source.limit());
    JavaRDD<IdxPart> parts =
        IdxBlocks.blocks(
            sc, broadcast(sc, hadoop), shape, rows, partitions, source.classes(), name);
    parts.persist(BlockStorage.LEVEL);
    try {
      List<String> faults =
          SparkFailures.unwrapping(() -> parts.map(p -> p.fault == null ? "" : p.fault).collect());
      for (String f : faults) {
        if (!f.isEmpty()) {
          throw new DataException(f);
        }
      }
      return cached(
          parts.map(p -> p.data),
          shape.width(),
          source.classes(),
          shape.images() + ": row 1",
          name,
          partitions);
    } finally {
      parts.unpersist(false);
    }
  }

  private static LoadedData rebalanced(
      JavaRDD<BlockPiece> pieces, DataSource source, int partitions, String name) {
    return rebalanced(
        pieces,
        source.limit(),
        String.join(", ", source.paths()),
        source.classes(),
        partitions,
        name,
        source.sparse());
  }

  /**
   * Pieces in reading order into {@code partitions} balanced cached blocks; {@code what} names the
   * input in errors.
   */
  static LoadedData rebalanced(
      JavaRDD<BlockPiece> pieces,
      long limit,
      String what,
      int classes,
      int partitions,
      String name) {
    return rebalanced(pieces, limit, what, classes, partitions, name, SparseMode.AUTO);
  }

  /** As above; sparse pieces become sparse or dense blocks as {@code sparse} decides. */
  static LoadedData rebalanced(
      JavaRDD<BlockPiece> pieces,
      long limit,
      String what,
      int classes,
      int partitions,
      String name,
      SparseMode sparse) {
    pieces.persist(BlockStorage.LEVEL);
    try {
      List<PieceSummary> summaries =
          SparkFailures.unwrapping(() -> pieces.map(BlockPiece::summary).collect());
      for (PieceSummary s : summaries) {
        if (s.fault != null) {
          throw new DataException(s.fault);
        }
      }
      Rebalancer plan = new Rebalancer(summaries, limit, what, sparse);
      return cached(
          plan.blocks(pieces, partitions, classes, name),
          plan.width(),
          classes,
          plan.firstRow(),
          name,
          partitions);
    } finally {
      pieces.unpersist(false);
    }
  }

  private static LoadedData cached(
      JavaRDD<Dataset> blocks,
      int width,
      int classes,
      String firstRow,
      String name,
      int partitions) {
    blocks.persist(BlockStorage.LEVEL).setName(name);
    List<long[]> counts =
        SparkFailures.unwrapping(
            () ->
                blocks
                    .map(
                        b ->
                            new long[] {
                              b.rows(), b.isSparse() ? b.sparseFeatures().nonZeros() : -1
                            })
                    .collect());
    int[] partitionRows = counts.stream().mapToInt(c -> (int) c[0]).toArray();
    long rows = counts.stream().mapToLong(c -> c[0]).sum();
    long nonZeros =
        counts.stream().anyMatch(c -> c[1] < 0) ? -1 : counts.stream().mapToLong(c -> c[1]).sum();
    String description =
        name
            + ": "
            + rows
            + " rows × "
            + width
            + " features"
            + (nonZeros < 0
                ? ""
                : String.format(
                    java.util.Locale.ROOT,
                    ", kept sparse: %d non-zeros (%.3g %%)",
                    nonZeros,
                    100.0 * nonZeros / ((double) rows * width)))
            + " in "
            + partitions
            + " partitions";
    return new LoadedData(blocks, partitionRows, width, classes, firstRow, description, nonZeros);
  }

  private static Broadcast<SerializableConfiguration> broadcast(
      JavaSparkContext sc, Configuration hadoop) {
    return sc.broadcast(new SerializableConfiguration(hadoop));
  }
}
