package polyak.spark.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.spec.NetworkSpec;
import polyak.train.BackgroundGradientSource;
import polyak.train.GradientSource;
import polyak.train.Teacher;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * Data-parallel training on Spark: {@link TrainingLoop} with gradients from the executors ({@link
 * SparkGradientSource}). Everything the driver does per step is the same code LocalTrainer runs, so
 * with the same partitions, seed and global batch both end at the same parameters.
 */
public final class SparkTrainer {
  private final JavaSparkContext sc;
  private final NetworkSpec spec;
  private final TrainingConfig config;
  private final Aggregation aggregation;
  private final Teacher teacher;
  private final int threadsPerTask;
  private final Precision precision;

  public SparkTrainer(
      JavaSparkContext sc, NetworkSpec spec, TrainingConfig config, int aggregationDepth) {
    this(sc, spec, config, aggregationDepth, null);
  }

  /** Distilling from {@code teacher} (null: plain training). */
  public SparkTrainer(
      JavaSparkContext sc,
      NetworkSpec spec,
      TrainingConfig config,
      int aggregationDepth,
      Teacher teacher) {
    this(sc, spec, config, aggregationDepth, teacher, 1);
  }

  /** With each task splitting its share over {@code threadsPerTask} threads. */
  public SparkTrainer(
      JavaSparkContext sc,
      NetworkSpec spec,
      TrainingConfig config,
      int aggregationDepth,
      Teacher teacher,
      int threadsPerTask) {
    this(sc, spec, config, Aggregation.ofDepth(aggregationDepth), teacher, threadsPerTask);
  }

  /** With the partition sums reaching the driver as {@code aggregation} says. */
  public SparkTrainer(
      JavaSparkContext sc,
      NetworkSpec spec,
      TrainingConfig config,
      Aggregation aggregation,
      Teacher teacher,
      int threadsPerTask) {
    this(sc, spec, config, aggregation, teacher, threadsPerTask, Precision.FLOAT64);
  }

  private SparkTrainer(
      JavaSparkContext sc,
      NetworkSpec spec,
      TrainingConfig config,
      Aggregation aggregation,
      Teacher teacher,
      int threadsPerTask,
      Precision precision) {
    this.precision = precision;
    this.threadsPerTask = threadsPerTask;
    this.sc = sc;
    this.spec = spec;
    this.config = config;
    this.aggregation = aggregation;
    this.teacher = teacher;
  }

  /**
   * This trainer with its gradient steps in {@code p} (float64 unless set; see {@link Precision}).
   */
  public SparkTrainer inPrecision(Precision p) {
    return new SparkTrainer(sc, spec, config, aggregation, teacher, threadsPerTask, p);
  }

  /** The gradient source over {@code training} (one cached block per partition). */
  public SparkGradientSource source(
      JavaRDD<Dataset> training, int[] partitionRows, JavaRDD<Dataset> validation) {
    return new SparkGradientSource(
        sc,
        Network.build(spec, precision),
        training,
        partitionRows,
        validation,
        config.seed(),
        config.batchSize(),
        aggregation,
        config.adversarial(),
        teacher,
        threadsPerTask);
  }

  /**
   * The long-lived-tasks gradient source over {@code training} (spark.long_lived_tasks): one
   * barrier job for the whole run instead of one job per iteration, same bits.
   */
  public LongLivedGradientSource longLivedSource(
      JavaRDD<Dataset> training, int[] partitionRows, JavaRDD<Dataset> validation) {
    return new LongLivedGradientSource(
        sc,
        Network.build(spec, precision),
        training,
        partitionRows,
        validation,
        config.seed(),
        config.batchSize(),
        config.adversarial(),
        threadsPerTask);
  }

  /**
   * What the training loop reads gradients from: in the delayed-gradient mode each Spark job runs
   * behind a driver thread, so it overlaps the driver's step, evaluation and checkpoints.
   */
  public static GradientSource loopSource(SparkGradientSource source, TrainingConfig config) {
    return config.gradientDelay() > 0 ? new BackgroundGradientSource(source) : source;
  }

  /** A fresh state for {@code source}: parameters initialised from the config's seed. */
  public TrainingState initialState(SparkGradientSource source) {
    return TrainingState.initial(Network.build(spec), config, source.iterationsPerEpoch());
  }

  public TrainResult train(
      JavaRDD<Dataset> training,
      int[] partitionRows,
      JavaRDD<Dataset> validation,
      TrainingListener listener) {
    SparkGradientSource source = source(training, partitionRows, validation);
    try {
      return TrainingLoop.run(initialState(source), loopSource(source, config), listener);
    } finally {
      source.close();
    }
  }

  /** Continues {@code state} (e.g. restored from a checkpoint). */
  public TrainResult resume(
      TrainingState state, SparkGradientSource source, TrainingListener listener) {
    try {
      return TrainingLoop.run(state, loopSource(source, state.config()), listener);
    } finally {
      source.close();
    }
  }
}
