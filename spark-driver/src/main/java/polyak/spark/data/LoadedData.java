package polyak.spark.data;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.data.Preprocessor;
import polyak.spec.NetworkSpec;
import polyak.train.Bootstrap;

/**
 * A loaded, validated and cached data set: exactly one {@link Dataset} block per partition, block p
 * holding global rows [baseId, baseId + partitionRows[p]) with baseId the sum of the rows before
 * it.
 */
public final class LoadedData {
  private final JavaRDD<Dataset> blocks;
  private final int[] partitionRows;
  private final long rows;
  private final int width;
  private final int classes;
  private final String firstRow;
  private final String description;

  /** Non-zeros of sparse blocks, or -1 when the blocks are dense. */
  private final long nonZeros;

  LoadedData(
      JavaRDD<Dataset> blocks,
      int[] partitionRows,
      int width,
      int classes,
      String firstRow,
      String description) {
    this(blocks, partitionRows, width, classes, firstRow, description, -1);
  }

  LoadedData(
      JavaRDD<Dataset> blocks,
      int[] partitionRows,
      int width,
      int classes,
      String firstRow,
      String description,
      long nonZeros) {
    this.blocks = blocks;
    this.partitionRows = partitionRows.clone();
    this.rows = Arrays.stream(partitionRows).asLongStream().sum();
    this.width = width;
    this.classes = classes;
    this.firstRow = firstRow;
    this.description = description;
    this.nonZeros = nonZeros;
  }

  /** Whether the blocks keep their rows sparse ({@code data.sparse}). */
  public boolean isSparse() {
    return nonZeros >= 0;
  }

  /** The stored non-zeros of sparse blocks, or -1 when the blocks are dense. */
  public long nonZeros() {
    return nonZeros;
  }

  /** The cached blocks, one per partition. */
  public JavaRDD<Dataset> blocks() {
    return blocks;
  }

  /** Rows of each partition, in partition order (what {@code MinibatchSampler} needs). */
  public int[] partitionRows() {
    return partitionRows.clone();
  }

  public int partitions() {
    return partitionRows.length;
  }

  public long rows() {
    return rows;
  }

  /** Features per row. */
  public int width() {
    return width;
  }

  /**
   * The number of classes, or {@link DataSource#REAL_TARGETS} for one real-valued target per row.
   */
  public int classes() {
    return classes;
  }

  /** For logs: the source, its size and the preprocessing applied. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }

  /** Fails unless every row has {@code expected} features (a network's input width). */
  public void checkWidth(int expected) {
    if (width != expected) {
      throw new DataException(
          firstRow
              + ": "
              + width
              + " features per row, but the network's input width is "
              + expected);
    }
  }

  /**
   * Fails unless the input width and the number of classes (one output for a real-valued target)
   * match the network's input and output widths, and real-valued targets meet a regression loss.
   */
  public void checkCompatible(NetworkSpec spec) {
    checkWidth(spec.inputWidth());
    if (classes == DataSource.REAL_TARGETS) {
      if (spec.loss().classification()) {
        throw new DataException(
            description
                + ": real-valued targets, but the loss "
                + spec.loss().text()
                + " needs class labels (use mse or l1)");
      }
      if (spec.outputWidth() != 1) {
        throw new DataException(
            description
                + ": one real-valued target per row, but the network's output width is "
                + spec.outputWidth());
      }
    } else if (classes != spec.outputWidth()) {
      throw new DataException(
          description
              + ": "
              + classes
              + " classes, but the network's output width is "
              + spec.outputWidth());
    }
  }

  /**
   * Every block through {@code preprocessor} (fitted beforehand, e.g. on the training data).
   * Replaces this data: its blocks are unpersisted.
   */
  public LoadedData preprocessed(Preprocessor preprocessor) {
    return preprocessed(preprocessor, false);
  }

  /**
   * {@link #preprocessed(Preprocessor)}, with the result's dense features held in float32 when
   * {@code toFloat32} is set: one pass and one cached copy instead of two ({@link #inFloat32}).
   */
  public LoadedData preprocessed(Preprocessor preprocessor, boolean toFloat32) {
    PreprocessBlock step = new PreprocessBlock(preprocessor);
    LoadedData t =
        toFloat32 && !isSparse()
            ? transformed(preprocessor + ", float32", block -> step.call(block).toFloat32())
            : transformed(preprocessor.toString(), step);
    int out = preprocessor.outputWidth(width);
    return out == width
        ? t
        : new LoadedData(
            t.blocks, partitionRows, out, classes, firstRow, t.description, t.nonZeros);
  }

  /**
   * These blocks with dense features held in float32 ({@link Dataset#toFloat32}, half the cache)
   * for training in float32; sparse data is returned as it is. Replaces this data: its blocks are
   * unpersisted.
   */
  public LoadedData inFloat32() {
    return isSparse() ? this : transformed("float32", Dataset::toFloat32);
  }

  /**
   * Each block mapped through {@code step}, cached and materialised before this data's blocks are
   * unpersisted (so the old cache is never needed again). {@code step} must keep rows and baseId.
   */
  LoadedData transformed(String what, Function<Dataset, Dataset> step) {
    JavaRDD<Dataset> next = blocks.map(step).persist(BlockStorage.LEVEL);
    next.setName(description + ", " + what);
    SparkFailures.unwrapping(next::count);
    blocks.unpersist(false);
    return new LoadedData(
        next, partitionRows, width, classes, firstRow, description + ", " + what, nonZeros);
  }

  /**
   * Ensemble member {@code member}'s bootstrap sample ({@link Bootstrap#sample}) of every block,
   * computed on the executors and cached; this data stays as it is (the other members sample it
   * too).
   */
  public LoadedData bootstrapSample(long seed, int member) {
    if (isSparse()) {
      throw new DataException(
          description + ": ensemble bootstrap samples need dense rows; set data.sparse = false");
    }
    JavaRDD<Dataset> sample =
        blocks.map(b -> Bootstrap.sample(b, seed, member)).persist(BlockStorage.LEVEL);
    String what = description + ", bootstrap sample of member " + member;
    sample.setName(what);
    int[] rows =
        SparkFailures.unwrapping(() -> sample.map(Dataset::rows).collect()).stream()
            .mapToInt(Integer::intValue)
            .toArray();
    return new LoadedData(sample, rows, width, classes, firstRow, what);
  }

  /** Where the cached blocks are now: how much of the data is in memory, how much on disk. */
  public BlockStorage storage() {
    return BlockStorage.of(blocks);
  }

  /** Drops the cached blocks. */
  public void unpersist() {
    blocks.unpersist(false);
  }
}
