package polyak.spark.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.io.SavedModel;
import polyak.nn.BatchResult;
import polyak.nn.Inference;
import polyak.nn.kernel.DenseKernels;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.LoadedData;
import polyak.spark.data.TrainingData;
import polyak.spark.train.ModelBroadcast;
import polyak.spark.train.ShardInference;

/**
 * {@code polyak predict}: a Spark job that writes, for every row of the config's test data, its
 * global row id, its label when known, the predicted class and the class probabilities ({@code p0 …
 * p(K−1)}), as Parquet or CSV. For real-valued targets ({@code data.classes = 0}): id, the target
 * and the predicted value, both doubles.
 */
public final class PredictJob {
  private PredictJob() {}

  public static long run(
      SparkSession spark,
      PolyakConfig config,
      String modelFile,
      String output,
      String format,
      PrintStream console)
      throws IOException {
    return run(spark, config, modelFile, output, format, false, console);
  }

  /**
   * @param overwrite replace an existing file or non-empty directory {@code output} (never one
   *     holding the model or its checkpoints)
   */
  public static long run(
      SparkSession spark,
      PolyakConfig config,
      String modelFile,
      String output,
      String format,
      boolean overwrite,
      PrintStream console)
      throws IOException {
    return run(spark, config, modelFile, output, format, overwrite, console, DenseKernels.name());
  }

  /** With the executors' dense kernel named: the driver's own unless a test forces another. */
  static long run(
      SparkSession spark,
      PolyakConfig config,
      String modelFile,
      String output,
      String format,
      boolean overwrite,
      PrintStream console,
      String kernel)
      throws IOException {
    String fmt = format.toLowerCase(Locale.ROOT);
    if (!fmt.equals("parquet") && !fmt.equals("csv")) {
      throw new IllegalArgumentException(
          "--output-format: expected parquet or csv, got '" + format + "'");
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    PredictOutput.check(output, modelFile, overwrite, sc.hadoopConfiguration());
    SavedModel model = ModelLoader.load(modelFile, sc.hadoopConfiguration());
    if (config.test() == null) {
      throw new DataException("data.test: no input data configured to predict on");
    }
    LoadedData input = TrainingData.load(spark, config.test(), sc.defaultParallelism());
    if (model.preprocessor().isPresent()) {
      input = input.preprocessed(model.preprocessor().get());
    }
    input.checkWidth(model.spec().inputWidth());
    int outputs = model.spec().outputWidth();
    boolean values = input.classes() == polyak.spark.data.DataSource.REAL_TARGETS;
    if (values) {
      input.checkCompatible(model.spec());
    }
    Broadcast<ModelBroadcast> b = sc.broadcast(new ModelBroadcast(model.params(), model.state()));
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("id", DataTypes.LongType, false));
    fields.add(
        DataTypes.createStructField(
            "label", values ? DataTypes.DoubleType : DataTypes.IntegerType, true));
    fields.add(
        DataTypes.createStructField(
            "prediction", values ? DataTypes.DoubleType : DataTypes.IntegerType, false));
    for (int k = 0; k < outputs && !values; k++) {
      fields.add(DataTypes.createStructField("p" + k, DataTypes.DoubleType, false));
    }
    sc.setJobDescription("polyak predict " + modelFile);
    JavaRDD<Row> rows =
        input.blocks().mapPartitions(new Predictions(b, model.spec().text(), kernel));
    spark
        .createDataFrame(rows, DataTypes.createStructType(fields))
        .write()
        .mode("overwrite")
        .format(fmt)
        .option("header", "true")
        .save(output);
    b.destroy();
    console.printf("wrote predictions for %d rows to %s (%s)%n", input.rows(), output, fmt);
    return input.rows();
  }

  /** Executor side: one output row per input row. */
  static final class Predictions extends ShardInference<Row, RowSink> {
    Predictions(Broadcast<ModelBroadcast> model, String specText, String kernel) {
      super(model, specText, kernel, false);
    }

    @Override
    protected RowSink sink(int outputs) {
      return new RowSink(outputs, new ArrayList<>());
    }

    @Override
    protected Iterator<Row> result(BatchResult scored, RowSink sink) {
      return sink.rows().iterator();
    }
  }

  /**
   * Turns predictions into rows: id, label (null without one), predicted class, outputs; for
   * real-valued targets id, target, predicted value.
   */
  record RowSink(int outputs, List<Row> rows) implements Inference.Predictions {
    @Override
    public void accept(Dataset d, int from, int count, double[] y) {
      if (d.targets() != null) {
        for (int i = 0; i < count; i++) {
          rows.add(RowFactory.create(d.baseId() + from + i, d.targets()[from + i], y[i]));
        }
        return;
      }
      for (int i = 0; i < count; i++) {
        Object[] values = new Object[3 + outputs];
        values[0] = d.baseId() + from + i;
        values[1] = d.isClassification() ? d.labels()[from + i] : null;
        values[2] = Inference.argmax(y, i * outputs, outputs);
        for (int k = 0; k < outputs; k++) {
          values[3 + k] = y[i * outputs + k];
        }
        rows.add(RowFactory.create(values));
      }
    }
  }
}
