package polyak.spark.config;

import polyak.nn.Precision;
import polyak.spark.data.DataSource;
import polyak.spec.NetworkSpec;
import polyak.train.TrainingConfig;

/**
 * A whole, validated polyak run: data, network, training, checkpoints, output and Spark settings.
 * {@code rendered} is the resolved configuration as HOCON (JSON), stored in checkpoints and model
 * provenance so every artefact says how it was made.
 *
 * @param train the training data; null when the config names none (evaluate and predict need none):
 *     {@link #train()} then fails naming the keys
 * @param test the held-out set for validation and evaluation, or null
 * @param partitions training partitions, 0 for the executors' total cores
 * @param checkpointEvery iterations between checkpoints, 0 for only at the end
 * @param distillation the teacher to distil from, with α and T ({@link DistillationConfig#NONE}:
 *     off)
 * @param pca PCA after {@code scaling}, fitted on the training data ({@link PcaConfig#NONE}: off)
 * @param ensemble bagging: how many members ({@link EnsembleConfig#NONE}: one model)
 * @param threadsPerTask threads each gradient task splits its partition's share over
 *     (spark.threads_per_task; 0: auto, see {@code polyak.spark.run.ThreadLayout}); with {@code
 *     partitions} = 0 the data then loads into cores / T partitions
 * @param aggregation how partition sums reach the driver (spark.aggregation; with {@code auto}, an
 *     {@code aggregationDepth} of 2 keeps the older configs' tree)
 * @param localSteps SGD steps each executor takes between synchronisations (1: synchronous; see
 *     {@code polyak.spark.train.LocalStepsGradientSource})
 * @param localRate the executors' SGD rate
 * @param precision the number format of the training steps (training.precision; see {@link
 *     Precision}); float64 with local steps
 * @param longLivedTasks gradients from one barrier job of long-lived tasks over sockets instead of
 *     one Spark job per iteration (spark.long_lived_tasks; see {@code
 *     polyak.spark.train.LongLivedGradientSource})
 */
public record PolyakConfig(
    DataSource train,
    DataSource test,
    Scaling scaling,
    int partitions,
    NetworkSpec network,
    TrainingConfig training,
    long checkpointEvery,
    String checkpointDir,
    int checkpointKeep,
    String outputDir,
    int aggregationDepth,
    String rendered,
    PcaConfig pca,
    DistillationConfig distillation,
    EnsembleConfig ensemble,
    int threadsPerTask,
    polyak.spark.train.Aggregation aggregation,
    int localSteps,
    double localRate,
    Precision precision,
    boolean longLivedTasks) {

  /** The training data. */
  public DataSource train() {
    if (train == null) {
      throw new ConfigError(
          "data.train.paths (data.train.images and data.train.labels for data.format = idx)"
              + " must name the training data");
    }
    return train;
  }
}
