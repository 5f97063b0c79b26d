package polyak.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import polyak.data.DataException;
import polyak.io.SavedModel;
import polyak.spark.config.ConfigError;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.FrameData;
import polyak.spark.data.LoadedData;
import polyak.spark.run.ModelLoader;
import polyak.spark.run.PreparedData;
import polyak.spark.run.TrainJob;
import polyak.spec.NetworkSpec;

/**
 * What polyak's Spark ML estimators share: the params and {@link #fit}, which turns the DataFrame's
 * vector column into polyak's dense blocks and runs {@code polyak train}'s own job ({@link
 * TrainJob}) on them — same loop, seeds, checkpoints and metrics. Typed params cover what is
 * usually tuned; when set they override the {@link #config} HOCON, which takes every other key of
 * {@code polyak-defaults.conf} (the {@code data.*} file keys aside) with the CLI's validation.
 * Subclasses say what the label is (a class index or a real value) and which model they make.
 *
 * @param <M> the fitted model
 * @param <E> the concrete estimator, which the setters return
 */
public abstract class PolyakEstimator<M extends PolyakModel<M>, E extends PolyakEstimator<M, E>>
    extends Estimator<M> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final Param<String> validationIndicatorCol;
  private final StringArrayParam layers;
  private final Param<String> optimizer;
  private final DoubleParam learningRate;
  private final Param<String> learningRateSchedule;
  private final IntParam batchSize;
  private final IntParam epochs;
  private final LongParam seed;
  private final DoubleParam regParam;
  private final Param<String> config;
  private final Param<String> checkpointDir;
  private final Param<String> outputDir;

  /**
   * @param labelDoc what the label column holds, for its param's documentation
   */
  protected PolyakEstimator(String uid, String labelDoc, String layersDoc) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "features column name (a Vector column)");
    labelCol = new Param<>(this, "labelCol", "label column name (" + labelDoc + ")");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    validationIndicatorCol =
        new Param<>(
            this,
            "validationIndicatorCol",
            "boolean column: true marks a validation row (evaluated, never trained on)");
    layers =
        new StringArrayParam(
            this,
            "layers",
            "network.layers: one string per layer, e.g. \"dense 64\", relu, \"dropout 0.8\"; "
                + layersDoc);
    optimizer =
        new Param<>(
            this, "optimizer", "optimizer.name: sgd, momentum, nesterov, adam, lamb, lbfgs, ...");
    learningRate = new DoubleParam(this, "learningRate", "learning_rate.initial");
    learningRateSchedule =
        new Param<>(
            this,
            "learningRateSchedule",
            "learning_rate.schedule: constant, step, exponential, inverse_time, polynomial, cosine");
    batchSize = new IntParam(this, "batchSize", "training.batch_size: the global minibatch");
    epochs = new IntParam(this, "epochs", "training.epochs");
    seed = new LongParam(this, "seed", "training.seed");
    regParam = new DoubleParam(this, "regParam", "regularization.l2");
    config =
        new Param<>(
            this, "config", "HOCON for every other polyak key (as in a polyak config file)");
    checkpointDir =
        new Param<>(this, "checkpointDir", "checkpoint.dir: where checkpoints go; none when unset");
    outputDir =
        new Param<>(
            this,
            "outputDir",
            "output.dir: metrics.jsonl and model.polyak as polyak train writes them; none when unset");
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(config, "");
  }

  @Override
  public final String uid() {
    return uid;
  }

  // ---- what a subclass decides

  /**
   * HOCON read before the {@link #config} param: this estimator's defaults (data.scaling, the
   * loss).
   */
  abstract String configDefaults();

  /**
   * data.classes for the network the config describes: its output width for classes, or {@code
   * DataSource.REAL_TARGETS}; throws IllegalArgumentException for a network this estimator cannot
   * train.
   */
  abstract int classes(NetworkSpec network);

  /** The label column's type check (with a message naming the column). */
  abstract void checkLabel(StructType schema, String column);

  /** {@code schema} with this estimator's output columns. */
  abstract StructType withOutputs(StructType schema);

  abstract M newModel(SavedModel model, PolyakTrainingSummary summary);

  @SuppressWarnings("unchecked")
  private E self() {
    return (E) this;
  }

  // ---- params (public no-argument accessors: Spark finds params by reflection on them)

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> validationIndicatorCol() {
    return validationIndicatorCol;
  }

  public StringArrayParam layers() {
    return layers;
  }

  public Param<String> optimizer() {
    return optimizer;
  }

  public DoubleParam learningRate() {
    return learningRate;
  }

  public Param<String> learningRateSchedule() {
    return learningRateSchedule;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam epochs() {
    return epochs;
  }

  public LongParam seed() {
    return seed;
  }

  public DoubleParam regParam() {
    return regParam;
  }

  public Param<String> config() {
    return config;
  }

  public Param<String> checkpointDir() {
    return checkpointDir;
  }

  public Param<String> outputDir() {
    return outputDir;
  }

  // ---- builders

  public E setFeaturesCol(String v) {
    return with(featuresCol, v);
  }

  public E setLabelCol(String v) {
    return with(labelCol, v);
  }

  public E setPredictionCol(String v) {
    return with(predictionCol, v);
  }

  public E setValidationIndicatorCol(String v) {
    return with(validationIndicatorCol, v);
  }

  public E setLayers(String... v) {
    return with(layers, v);
  }

  public E setOptimizer(String v) {
    return with(optimizer, v);
  }

  public E setLearningRate(double v) {
    return with(learningRate, v);
  }

  public E setLearningRateSchedule(String v) {
    return with(learningRateSchedule, v);
  }

  public E setBatchSize(int v) {
    return with(batchSize, v);
  }

  public E setEpochs(int v) {
    return with(epochs, v);
  }

  public E setSeed(long v) {
    return with(seed, v);
  }

  public E setRegParam(double v) {
    return with(regParam, v);
  }

  public E setConfig(String hocon) {
    return with(config, hocon);
  }

  public E setCheckpointDir(String v) {
    return with(checkpointDir, v);
  }

  public E setOutputDir(String v) {
    return with(outputDir, v);
  }

  public String getFeaturesCol() {
    return getOrDefault(featuresCol);
  }

  public String getLabelCol() {
    return getOrDefault(labelCol);
  }

  public String getPredictionCol() {
    return getOrDefault(predictionCol);
  }

  /** The typed param's value, or null when unset (the config or polyak's default decides). */
  public Double getLearningRate() {
    return isDefined(learningRate) ? (Double) getOrDefault(learningRate) : null;
  }

  public Integer getBatchSize() {
    return isDefined(batchSize) ? (Integer) getOrDefault(batchSize) : null;
  }

  public String getConfig() {
    return getOrDefault(config);
  }

  /** Sets a param and returns this estimator (for a subclass's own setters). */
  protected final <T> E with(Param<T> p, T value) {
    set(p, value);
    return self();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    Columns.requireVector(schema, getFeaturesCol(), "featuresCol");
    checkLabel(schema, getLabelCol());
    if (isDefined(validationIndicatorCol)) {
      Columns.requireBoolean(
          schema, getOrDefault(validationIndicatorCol), "validationIndicatorCol");
    }
    return withOutputs(schema);
  }

  @Override
  public M fit(Dataset<?> dataset) {
    return fit(dataset, (Dataset<?>) null);
  }

  /**
   * Trains on {@code train}, validating on {@code validation} (early stopping, the summary's
   * validation history) — the DataFrame counterpart of {@code data.test}.
   *
   * @param validation may be null; not together with {@link #validationIndicatorCol}
   */
  public M fit(Dataset<?> train, Dataset<?> validation) {
    transformSchema(train.schema());
    Dataset<Row> trainRows = train.toDF();
    Dataset<Row> validRows = null;
    if (validation != null) {
      if (isDefined(validationIndicatorCol)) {
        throw new IllegalArgumentException(
            "validationIndicatorCol '"
                + getOrDefault(validationIndicatorCol)
                + "' is set: give validation rows either by that column or as a second DataFrame, not both");
      }
      Columns.requireVector(validation.schema(), getFeaturesCol(), "featuresCol");
      checkLabel(validation.schema(), getLabelCol());
      validRows = validation.toDF();
    } else if (isDefined(validationIndicatorCol)) {
      String indicator = getOrDefault(validationIndicatorCol);
      validRows = trainRows.filter(col(indicator));
      trainRows = trainRows.filter(not(col(indicator)));
    }
    SparkSession spark = train.sparkSession();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path scratch = null;
    long started = System.nanoTime();
    try {
      String output = isDefined(outputDir) ? getOrDefault(outputDir) : null;
      if (output == null) {
        scratch = Files.createTempDirectory("polyak-fit");
        output =
            "file:" + scratch.toAbsolutePath(); // driver-local, whatever the default file system
      }
      PolyakConfig first = EstimatorConfig.build(this, 0, output);
      int classes = first.train().classes();
      int partitions =
          first.partitions() > 0 ? first.partitions() : spark.sparkContext().defaultParallelism();
      LoadedData trainData =
          FrameData.load(
              trainRows,
              getFeaturesCol(),
              getLabelCol(),
              classes,
              partitions,
              "training DataFrame");
      LoadedData validData =
          validRows == null
              ? null
              : FrameData.load(
                  validRows,
                  getFeaturesCol(),
                  getLabelCol(),
                  classes,
                  partitions,
                  "validation DataFrame");
      PolyakConfig config = EstimatorConfig.build(this, trainData.width(), output);
      PreparedData prepared = PreparedData.of(config, trainData, validData);
      TrainJob.Outcome outcome;
      try {
        outcome =
            TrainJob.run(
                spark,
                config,
                null,
                List.of(),
                new PrintStream(OutputStream.nullOutputStream()),
                false,
                prepared,
                null);
      } finally {
        prepared.train().unpersist();
        if (prepared.test() != null) {
          prepared.test().unpersist();
        }
      }
      SavedModel model = ModelLoader.load(outcome.modelPath(), hadoop);
      PolyakTrainingSummary summary =
          PolyakTrainingSummary.of(outcome, hadoop, (System.nanoTime() - started) / 1_000_000);
      M result = newModel(model, summary);
      copyValues(result, ParamMap.empty());
      return result.setParent(this);
    } catch (ConfigError | DataException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    } finally {
      if (scratch != null) {
        deleteQuietly(scratch);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  @Override
  public MLWriter write() {
    return new DefaultParamsWriter(this);
  }

  /** For {@link EstimatorConfig}: the typed params that are set. */
  boolean has(Param<?> p) {
    return isDefined(p);
  }

  <T> T value(Param<T> p) {
    return getOrDefault(p);
  }
}
