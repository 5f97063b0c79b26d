package polyak.spark.run;

import java.util.Arrays;
import org.apache.spark.sql.SparkSession;
import polyak.data.DataException;
import polyak.data.Pca;
import polyak.data.PixelScaling;
import polyak.data.Preprocessor;
import polyak.data.PreprocessorChain;
import polyak.nn.Precision;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.LoadedData;
import polyak.spark.data.PcaFit;
import polyak.spark.data.Standardization;
import polyak.spark.data.TrainingData;

/**
 * Training and test data loaded, preprocessed and checked against the network — all before the
 * first iteration, so bad data fails fast. The preprocessor goes into the model file, so {@code
 * predict} applies the same transform.
 */
public record PreparedData(LoadedData train, LoadedData test, Preprocessor preprocessor) {

  /**
   * @param expectedPartitionRows a resumed checkpoint's partition sizes, or null
   */
  public static PreparedData load(
      SparkSession spark, PolyakConfig config, int[] expectedPartitionRows) {
    int partitions =
        config.partitions() > 0
            ? config.partitions()
            : expectedPartitionRows != null
                ? expectedPartitionRows.length
                : Math.max(
                    1,
                    spark.sparkContext().defaultParallelism()
                        / ThreadLayout.threadsPerTask(spark.sparkContext(), config));
    LoadedData train = TrainingData.load(spark, config.train(), partitions);
    if (expectedPartitionRows != null
        && !Arrays.equals(expectedPartitionRows, train.partitionRows())) {
      throw new DataException(
          train.description()
              + ": the checkpoint was taken with partition sizes "
              + Arrays.toString(expectedPartitionRows)
              + " but the data now loads as "
              + Arrays.toString(train.partitionRows())
              + "; an exact resume needs the same data and data.partitions");
    }
    LoadedData test =
        config.test() == null ? null : TrainingData.load(spark, config.test(), partitions);
    return of(config, train, test);
  }

  /**
   * Data loaded by the caller (e.g. from a DataFrame) preprocessed and checked as {@link #load}
   * does.
   *
   * @param test validation data, or null
   */
  public static PreparedData of(PolyakConfig config, LoadedData train, LoadedData test) {
    SparseInputChecks.check(config, train);
    SparseInputChecks.check(config, test);
    // the training blocks end in float32 for a float32 run, cast in the last pass over them
    // (validation runs in float64 on the blocks as they are)
    boolean float32 = config.precision() == Precision.FLOAT32;
    boolean pcaNext = config.pca().components() > 0;
    boolean cast = false;
    Preprocessor pre = fit(config, train);
    if (pre != null) {
      cast = float32 && !pcaNext; // PCA fits on float64 rows
      train = train.preprocessed(pre, cast);
      test = test == null ? null : test.preprocessed(pre);
    }
    if (pcaNext) {
      Pca pca = PcaFit.fit(train, config.pca().components(), config.pca().whiten());
      cast = float32;
      train = train.preprocessed(pca, cast);
      test = test == null ? null : test.preprocessed(pca);
      pre = PreprocessorChain.of(pre, pca);
    }
    train.checkCompatible(config.network());
    if (test != null) {
      test.checkCompatible(config.network());
    }
    if (float32 && !cast) {
      train = train.inFloat32();
    }
    return new PreparedData(train, test, pre);
  }

  /**
   * The configured preprocessing, fitted on {@code train} where it needs fitting; null for none.
   */
  static Preprocessor fit(PolyakConfig config, LoadedData train) {
    return switch (config.scaling()) {
      case NONE -> null;
      case PIXELS -> PixelScaling.INSTANCE;
      case STANDARDIZE -> Standardization.fit(train);
    };
  }
}
