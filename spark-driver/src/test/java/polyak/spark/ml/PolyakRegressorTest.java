package polyak.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.DataException;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.nn.Inference;
import polyak.nn.Network;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.run.EvaluateJob;
import polyak.spark.run.EvaluationCounts;
import polyak.spark.run.PredictJob;
import polyak.spark.run.TrainJob;

/**
 * {@link PolyakRegressor} on a small synthetic linear-plus-noise problem (three raw columns on
 * different scales): a Pipeline with Spark's scaler and {@code RegressionEvaluator}, save and load,
 * equality with {@code polyak train}, {@code evaluate} and {@code predict} on the same rows ({@code
 * data.classes = 0}), the broadcast's life, and bad input. One session for the class.
 */
class PolyakRegressorTest {
  static final String SETTINGS =
      "network.layers = [\"dense 8\", tanh, \"dense 1\"]\n"
          + "optimizer.name = adam\nlearning_rate.initial = 0.05\ntraining.batch_size = 50\ntraining.epochs = 3\n"
          + "training.seed = 5\ndata.partitions = 2\n";
  static final int ROWS = 200;

  static SparkSession spark;
  @TempDir static Path data;
  static String rawParquet;
  static String vectorParquet;

  @TempDir Path work;

  @BeforeAll
  static void start() throws IOException {
    spark = kryoSession();
    SplittableRandom rng = new SplittableRandom(3);
    List<Row> raw = new ArrayList<>();
    List<Row> vectors = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double[] x = {rng.nextGaussian() * 10, rng.nextGaussian() + 5, rng.nextGaussian() * 0.1};
      double y = 0.3 * x[0] - 2 * (x[1] - 5) + 10 * x[2] + 0.1 * rng.nextGaussian();
      raw.add(RowFactory.create(x[0], x[1], x[2], y));
      vectors.add(RowFactory.create(Vectors.dense(x), y));
    }
    StructType rawSchema =
        new StructType()
            .add("x1", DataTypes.DoubleType)
            .add("x2", DataTypes.DoubleType)
            .add("x3", DataTypes.DoubleType)
            .add("label", DataTypes.DoubleType);
    rawParquet = data.resolve("raw.parquet").toString();
    spark.createDataFrame(raw, rawSchema).coalesce(1).write().parquet(rawParquet);
    vectorParquet = data.resolve("vectors.parquet").toString();
    spark.createDataFrame(vectors, vectorSchema()).coalesce(1).write().parquet(vectorParquet);
  }

  /**
   * Kryo with polyak's registrator, as {@code polyak} runs, but without {@code
   * registrationRequired}: Spark's RegressionEvaluator sends its own summarizer classes through
   * Kryo, which polyak's registrator does not list. PolyakClassifierTest runs the shared ML path
   * with registration required.
   */
  private static SparkSession kryoSession() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("polyak-ml-regression")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", polyak.spark.PolyakKryoRegistrator.class.getName())
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static StructType vectorSchema() {
    return new StructType()
        .add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType);
  }

  static PolyakRegressor regressor() {
    return new PolyakRegressor().setConfig(SETTINGS);
  }

  // ---- a Pipeline; RegressionEvaluator agrees with the predictions and the network run locally;
  // save and load

  @Test
  void pipelineFitsAndItsRmseIsThePredictionsRmse() throws IOException {
    Dataset<Row> frame = spark.read().parquet(rawParquet);
    Pipeline pipeline =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new VectorAssembler()
                      .setInputCols(new String[] {"x1", "x2", "x3"})
                      .setOutputCol("raw"),
                  new StandardScaler()
                      .setInputCol("raw")
                      .setOutputCol("features")
                      .setWithMean(true),
                  regressor()
                });
    PipelineModel fitted = pipeline.fit(frame);
    Dataset<Row> scored = fitted.transform(frame);
    assertEquals(DataTypes.DoubleType, scored.schema().apply("prediction").dataType());
    double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(scored);

    List<Row> rows = scored.select("features", "label", "prediction").collectAsList();
    PolyakRegressionModel model = (PolyakRegressionModel) fitted.stages()[2];
    double[] local = localPredictions(model.savedModel(), rows);
    double squares = 0;
    double labelSquares = 0;
    double mean = rows.stream().mapToDouble(r -> r.getDouble(1)).average().orElseThrow();
    for (int i = 0; i < rows.size(); i++) {
      double p = rows.get(i).getDouble(2);
      assertEquals(
          Double.doubleToLongBits(local[i]),
          Double.doubleToLongBits(p),
          "row " + i + ": transform = the network run locally, bit for bit");
      squares += (p - rows.get(i).getDouble(1)) * (p - rows.get(i).getDouble(1));
      labelSquares += (rows.get(i).getDouble(1) - mean) * (rows.get(i).getDouble(1) - mean);
    }
    assertEquals(Math.sqrt(squares / rows.size()), rmse, 1e-9 * rmse);
    assertTrue(
        squares < 0.2 * labelSquares,
        "a linear target should be learnt: R² " + (1 - squares / labelSquares));

    // polyak evaluate on the same model and (scaled) rows: mse's loss is ½(f − y)², so rmse = √(2 ·
    // loss)
    Path modelFile = work.resolve("model.polyak");
    ModelFile.save(model.savedModel(), modelFile);
    String scaledRows = work.resolve("scaled.parquet").toString();
    scored.select("features", "label").write().parquet(scaledRows);
    PolyakConfig config =
        ConfigLoader.parse(
            "data { format = parquet, classes = 0, train.paths = [\""
                + scaledRows
                + "\"], test.paths = [\""
                + scaledRows
                + "\"] }\nnetwork { layers = [\"dense 1\"], loss = mse }",
            List.of(),
            "test");
    EvaluationCounts evaluated =
        EvaluateJob.run(
            spark, config, modelFile.toString(), new PrintStream(new ByteArrayOutputStream()));
    assertEquals(ROWS, evaluated.count());
    assertEquals(Math.sqrt(2 * evaluated.meanLoss()), rmse, 1e-9 * rmse);

    String dir = work.resolve("pipeline").toString();
    fitted.write().overwrite().save(dir);
    PipelineModel loaded = PipelineModel.load(dir);
    String unfitted = work.resolve("unfitted").toString();
    pipeline.write().save(unfitted);
    PolyakRegressor reloaded = (PolyakRegressor) Pipeline.load(unfitted).getStages()[2];
    assertEquals(SETTINGS, reloaded.getConfig(), "the estimator saves and loads too");
    assertEquals(
        bits(scored), bits(loaded.transform(frame)), "the reloaded pipeline predicts bit for bit");
    assertNoJavaSerializedFile(dir);
  }

  /**
   * The model's network on the driver through {@link Inference}, on the rows' (already scaled)
   * features.
   */
  private static double[] localPredictions(SavedModel model, List<Row> rows) {
    int width = model.spec().inputWidth();
    double[] features = new double[rows.size() * width];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(((Vector) rows.get(i).get(0)).toArray(), 0, features, i * width, width);
    }
    double[] out = new double[rows.size()];
    polyak.data.Dataset block =
        polyak.data.Dataset.regression("rows", width, features, 1, new double[rows.size()], 0);
    Inference.run(
        Network.build(model.spec()),
        model.params(),
        model.state(),
        block,
        false,
        (d, from, count, y) -> System.arraycopy(y, 0, out, from, count));
    return out;
  }

  static List<Long> bits(Dataset<Row> scored) {
    return scored.select("prediction").collectAsList().stream()
        .map(r -> Double.doubleToLongBits(r.getDouble(0)))
        .toList();
  }

  private static void assertNoJavaSerializedFile(String dir) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of(dir))) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(
        files.stream().anyMatch(f -> f.endsWith("model.polyak")),
        "weights in polyak's format: " + files);
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        byte[] head = in.readNBytes(2);
        assertFalse(
            head.length == 2 && (head[0] & 0xff) == 0xAC && (head[1] & 0xff) == 0xED,
            f + " is a Java-serialized object");
      }
    }
  }

  // ---- the estimator and polyak train (data.classes = 0): bit-identical parameters. CSV and
  // LibSVM load
  // the same targets as Parquet (RealTargetsLoadTest), so they train the same.

  @Test
  void estimatorEqualsPolyakTrain() throws IOException {
    SavedModel fromParquet =
        cliTrain("data { format = parquet, train.paths = [\"" + vectorParquet + "\"] }", "pq");

    Dataset<Row> frame = spark.read().parquet(vectorParquet);
    PolyakRegressionModel model = regressor().fit(frame, frame);
    assertArrayEquals(fromParquet.params(), model.savedModel().params());
    assertArrayEquals(fromParquet.state(), model.savedModel().state());

    // the last validation is mse's ½(f − y)² averaged over the frame: RegressionEvaluator's rmse is
    // √(2 · loss)
    double[] losses = model.summary().validationLoss();
    assertEquals(3, losses.length, "one validation per epoch");
    double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(model.transform(frame));
    assertEquals(Math.sqrt(2 * losses[2]), rmse, 1e-9 * rmse);

    // polyak predict on the same rows writes the targets and the values transform gives, bit for
    // bit
    Path modelFile = work.resolve("estimator.polyak");
    ModelFile.save(model.savedModel(), modelFile);
    String predictions = work.resolve("predictions").toString();
    PolyakConfig predict =
        ConfigLoader.parse(
            "data { format = parquet, classes = 0, train.paths = [\""
                + vectorParquet
                + "\"], test.paths = [\""
                + vectorParquet
                + "\"] }\nnetwork { layers = [\"dense 1\"],"
                + " loss = mse }",
            List.of(),
            "test");
    assertEquals(
        ROWS,
        PredictJob.run(
            spark,
            predict,
            modelFile.toString(),
            predictions,
            "parquet",
            new PrintStream(new ByteArrayOutputStream())));
    List<Row> written = spark.read().parquet(predictions).orderBy("id").collectAsList();
    List<Row> transformed = model.transform(frame).select("label", "prediction").collectAsList();
    for (int i = 0; i < ROWS; i++) {
      assertEquals(
          transformed.get(i).getDouble(0),
          written.get(i).getDouble(1),
          0.0,
          "row " + i + " target");
      assertEquals(
          Double.doubleToLongBits(transformed.get(i).getDouble(1)),
          Double.doubleToLongBits(written.get(i).getDouble(2)),
          "row " + i + " prediction");
    }
  }

  private SavedModel cliTrain(String dataConfig, String name) throws IOException {
    String out = work.resolve(name).toString();
    PolyakConfig cli =
        ConfigLoader.parse(
            SETTINGS
                + dataConfig
                + "\ndata { classes = 0, scaling = none }\n"
                + "network { input = 3, loss = mse }\noutput.dir = \""
                + out
                + "\"\n",
            List.of(),
            "test");
    TrainJob.Outcome outcome =
        TrainJob.run(
            spark, cli, null, List.of(), new PrintStream(new ByteArrayOutputStream()), false);
    return ModelFile.load(Path.of(outcome.modelPath()));
  }

  // ---- the broadcast: broadcast once, dropped on request, re-sent when needed

  @Test
  void broadcastCanBeUnpersistedAndDestroyed() {
    Dataset<Row> frame = spark.read().parquet(vectorParquet);
    PolyakRegressionModel model =
        regressor().setEpochs(1).setConfig(SETTINGS + "network.loss = l1").fit(frame);
    assertEquals(
        polyak.spec.LossSpec.Kind.L1, model.savedModel().spec().loss().kind(), "l1 trains too");
    Dataset<Row> first = model.transform(frame);
    List<Long> expected = bits(first);
    model.unpersistBroadcast();
    assertEquals(expected, bits(first), "a transformed DataFrame still computes after unpersist");
    PolyakRegressionModel copy = model.copy(new org.apache.spark.ml.param.ParamMap());
    assertEquals(expected, bits(copy.transform(frame)), "a copy shares the model's broadcast");
    model.destroyBroadcast();
    assertEquals(expected, bits(model.transform(frame)), "a later transform broadcasts afresh");
    assertEquals(expected, bits(copy.transform(frame)));
  }

  // ---- bad input: one IllegalArgumentException naming the column

  @Test
  void badInputNamesTheColumn() {
    Dataset<Row> good = spark.read().parquet(vectorParquet);
    assertMessage(
        regressor(),
        good.withColumn("label", functions.lit("high")),
        "labelCol 'label' has type string; expected a number (a real-valued target)");
    List<Row> rows = new ArrayList<>(good.collectAsList());
    rows.set(9, RowFactory.create(rows.get(9).get(0), Double.NaN));
    assertMessage(
        regressor(),
        spark.createDataFrame(rows, vectorSchema()),
        "column 'label', DataFrame partition ",
        ": target NaN is not finite");
    assertMessage(
        regressor().setLayers("dense 4", "relu", "dense 2"),
        good,
        "PolyakRegressor predicts one value per row: the last layer must have width 1");
    assertMessage(
        regressor().setConfig(SETTINGS + "network.loss = softmax_ce").setLayers("dense 2"),
        good,
        "PolyakRegressor: network.loss = softmax_ce",
        "use mse or l1");
    // the CLI's data path names the file and line
    String bad = work.resolve("bad.csv").toString();
    DataException e =
        assertThrows(
            DataException.class,
            () -> {
              Files.writeString(Path.of(bad), "1.5,1,2,3\nNaN,1,2,3\n");
              cliTrain("data { format = csv, train.paths = [\"" + bad + "\"] }", "bad");
            });
    assertTrue(
        e.getMessage().contains("bad.csv: line 2, column 1: target NaN is not finite"),
        e.getMessage());
  }

  private static void assertMessage(PolyakRegressor est, Dataset<Row> frame, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> est.fit(frame));
    for (String m : parts) {
      assertTrue(e.getMessage().contains(m), e.getMessage());
    }
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }
}
