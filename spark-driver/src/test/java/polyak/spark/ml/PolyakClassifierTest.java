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
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.spark.SparkTestSession;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.run.EvaluateJob;
import polyak.spark.run.EvaluationCounts;
import polyak.spark.run.TrainJob;

/**
 * The Spark ML API on small synthetic data (three Gaussian classes, four raw columns): Pipelines
 * with Spark's own feature stages and readers, tuning, save and load, equality with {@code polyak
 * train} and {@code polyak evaluate}, and bad input. One Kryo session with registration required,
 * so a class sent to executors and missing from the registrator fails here.
 */
@Tag("slow")
class PolyakClassifierTest {
  static final int CLASSES = 3;
  static final String[] RAW = {"x1", "x2", "x3", "x4"};

  /** Settings shared by the estimator and the CLI run; the rest are polyak's defaults. */
  static final String SETTINGS =
      "network.layers = [\"dense 12\", relu, \"dense 3\"]\n"
          + "optimizer.name = adam\nlearning_rate.initial = 0.02\ntraining.batch_size = 64\ntraining.epochs = 4\n"
          + "training.seed = 7\ndata.partitions = 2\n";

  static SparkSession spark;
  @TempDir static Path data;
  static String rawParquet;
  static String vectorParquet;
  static String libsvm;

  @TempDir Path work;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkTestSession.startKryo("polyak-ml");
    SplittableRandom rng = new SplittableRandom(11);
    List<Row> raw = new ArrayList<>();
    List<Row> vectors = new ArrayList<>();
    StringBuilder svm = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      int label = rng.nextInt(CLASSES);
      double[] x = new double[RAW.length];
      for (int j = 0; j < x.length; j++) {
        // classes apart on different columns, on different scales (so scaling matters)
        x[j] =
            (j % CLASSES == label ? 2.0 : 0.0) * (j + 1) * 10
                + rng.nextGaussian() * (j + 1) * 10
                + 5 * j;
      }
      raw.add(RowFactory.create(x[0], x[1], x[2], x[3], (double) label));
      vectors.add(RowFactory.create(Vectors.dense(x), (double) label));
      svm.append(label);
      for (int j = 0; j < x.length; j++) {
        svm.append(' ').append(j + 1).append(':').append(String.format(Locale.ROOT, "%.17g", x[j]));
      }
      svm.append('\n');
    }
    StructType rawSchema =
        new StructType()
            .add("x1", DataTypes.DoubleType)
            .add("x2", DataTypes.DoubleType)
            .add("x3", DataTypes.DoubleType)
            .add("x4", DataTypes.DoubleType)
            .add("label", DataTypes.DoubleType);
    rawParquet = data.resolve("raw.parquet").toString();
    spark.createDataFrame(raw, rawSchema).coalesce(1).write().parquet(rawParquet);
    vectorParquet = data.resolve("vectors.parquet").toString();
    spark.createDataFrame(vectors, vectorSchema()).coalesce(1).write().parquet(vectorParquet);
    libsvm = data.resolve("data.libsvm").toString();
    Files.writeString(Path.of(libsvm), svm);
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

  static PolyakClassifier classifier() {
    return new PolyakClassifier().setConfig(SETTINGS);
  }

  static Pipeline pipeline(String[] inputs) {
    VectorAssembler assemble = new VectorAssembler().setInputCols(inputs).setOutputCol("assembled");
    StandardScaler scale =
        new StandardScaler().setInputCol("assembled").setOutputCol("features").setWithMean(true);
    return new Pipeline().setStages(new PipelineStage[] {assemble, scale, classifier()});
  }

  // ---- 1. Pipeline on spark.read data; the evaluator agrees with polyak evaluate

  @Test
  void pipelineOnParquetMatchesPolyakEvaluate() throws IOException {
    Dataset<Row> frame = spark.read().parquet(rawParquet);
    accuracyMatchesEvaluateJob(frame, RAW);
  }

  @Test
  void pipelineOnLibSvmMatchesPolyakEvaluate() throws IOException {
    Dataset<Row> frame =
        spark
            .read()
            .format("libsvm")
            .option("numFeatures", "4")
            .load(libsvm)
            .withColumnRenamed("features", "svm");
    accuracyMatchesEvaluateJob(frame, new String[] {"svm"});
  }

  private void accuracyMatchesEvaluateJob(Dataset<Row> frame, String[] inputs) throws IOException {
    PipelineModel fitted = pipeline(inputs).fit(frame);
    Dataset<Row> scored = fitted.transform(frame);
    double accuracy =
        new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
    assertTrue(accuracy > 0.8, "a separable problem should be learnt, accuracy " + accuracy);

    // the same model and the same (scaled) rows through polyak evaluate
    PolyakClassificationModel model = (PolyakClassificationModel) fitted.stages()[2];
    Path modelFile = work.resolve("model.polyak");
    ModelFile.save(model.savedModel(), modelFile);
    String scaled = work.resolve("scaled.parquet").toString();
    scored.select("features", "label").write().parquet(scaled);
    PolyakConfig config =
        ConfigLoader.parse(
            "data { format = parquet, classes = 3, train.paths = [\""
                + scaled
                + "\"], test.paths = [\""
                + scaled
                + "\"] }",
            List.of(),
            "test");
    EvaluationCounts counts =
        EvaluateJob.run(
            spark, config, modelFile.toString(), new PrintStream(new ByteArrayOutputStream()));
    assertEquals(frame.count(), counts.count());
    assertEquals(counts.accuracy(), accuracy, 0.0);
  }

  // ---- 2. tuning: the best model carries the grid's best params; the tuned model saves and loads

  @Test
  void trainValidationSplitPicksTheGridsBest() throws IOException {
    Dataset<Row> frame = spark.read().parquet(vectorParquet);
    PolyakClassifier est = classifier();
    ParamMap[] grid =
        new ParamGridBuilder()
            .addGrid(est.learningRate(), new double[] {1e-5, 0.03})
            .addGrid(est.batchSize(), new int[] {32, 64})
            .build();
    TrainValidationSplit tvs =
        new TrainValidationSplit()
            .setEstimator(est)
            .setEstimatorParamMaps(grid)
            .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
            .setTrainRatio(0.7)
            .setSeed(3);
    TrainValidationSplitModel tuned = tvs.fit(frame);

    double[] metrics = tuned.validationMetrics();
    int best = 0;
    for (int i = 1; i < metrics.length; i++) {
      if (metrics[i] > metrics[best]) {
        best = i;
      }
    }
    PolyakClassifier parent = (PolyakClassifier) tuned.bestModel().parent();
    assertEquals(grid[best].apply(est.learningRate()), parent.getLearningRate());
    assertEquals(grid[best].apply(est.batchSize()), parent.getBatchSize());
    assertEquals(0.03, parent.getLearningRate(), "a rate of 1e-5 barely moves in 4 epochs");
    for (int i = 0; i < grid.length; i++) {
      if ((double) grid[i].apply(est.learningRate()) == 1e-5) {
        assertTrue(
            metrics[i] < metrics[best],
            "lr 1e-5 should validate worse: " + java.util.Arrays.toString(metrics));
      }
    }

    String dir = work.resolve("tvs").toString();
    tuned.save(dir);
    TrainValidationSplitModel loaded = TrainValidationSplitModel.load(dir);
    assertEquals(probabilities(tuned.transform(frame)), probabilities(loaded.transform(frame)));
  }

  /** Every row's probability vector as exact bits (hex doubles), in row order. */
  static List<String> probabilities(Dataset<Row> scored) {
    List<String> out = new ArrayList<>();
    for (Row r : scored.select("probability", "rawPrediction", "prediction").collectAsList()) {
      StringBuilder sb = new StringBuilder();
      for (double p : ((Vector) r.get(0)).toArray()) {
        sb.append(Double.toHexString(p)).append(' ');
      }
      for (double p : ((Vector) r.get(1)).toArray()) {
        sb.append(Double.toHexString(p)).append(' ');
      }
      out.add(sb.append(r.getDouble(2)).toString());
    }
    return out;
  }

  // ---- 4. the estimator and polyak train: bit-identical parameters; the same files when asked

  @Test
  void estimatorEqualsPolyakTrain() throws IOException {
    String cliOut = work.resolve("cli").toString();
    PolyakConfig cli =
        ConfigLoader.parse(
            SETTINGS
                + "data { format = parquet, classes = 3, scaling = none,"
                + " train.paths = [\""
                + vectorParquet
                + "\"], test.paths = [\""
                + vectorParquet
                + "\"] }\nnetwork.input = 4\n"
                + "output.dir = \""
                + cliOut
                + "\"\n",
            List.of(),
            "test");
    TrainJob.Outcome outcome =
        TrainJob.run(
            spark, cli, null, List.of(), new PrintStream(new ByteArrayOutputStream()), false);
    SavedModel expected = ModelFile.load(Path.of(outcome.modelPath()));

    Path estOut = work.resolve("estimator");
    Path checkpoints = work.resolve("estimator-checkpoints");
    Dataset<Row> frame = spark.read().parquet(vectorParquet);
    PolyakClassificationModel model =
        classifier()
            .setOutputDir(estOut.toString())
            .setCheckpointDir(checkpoints.toString())
            .fit(frame, frame);
    assertArrayEquals(expected.params(), model.savedModel().params());
    assertArrayEquals(expected.state(), model.savedModel().state());

    assertTrue(Files.isRegularFile(estOut.resolve("metrics.jsonl")));
    assertTrue(Files.isRegularFile(estOut.resolve("model.polyak")));
    try (Stream<Path> s = Files.list(checkpoints)) {
      assertTrue(s.findAny().isPresent(), "a checkpoint in " + checkpoints);
    }
    PolyakTrainingSummary summary = model.summary();
    assertEquals(outcome.result().state().step(), summary.totalIterations());
    assertEquals(summary.totalIterations(), summary.objectiveHistory().length);
    assertEquals(4, summary.validations().size(), "one validation per epoch");
    assertArrayEquals(
        outcome.result().evaluations().stream().mapToDouble(e -> e.accuracy()).toArray(),
        summary.validationAccuracy());
    assertTrue(
        summary.objectiveHistory()[summary.totalIterations() - 1] < summary.objectiveHistory()[0]);
  }

  @Test
  void validationIndicatorColumnHoldsRowsOut() {
    Dataset<Row> frame =
        spark
            .read()
            .parquet(vectorParquet)
            .withColumn("held", org.apache.spark.sql.functions.rand(5).lt(0.25));
    PolyakClassificationModel model = classifier().setValidationIndicatorCol("held").fit(frame);
    assertEquals(4, model.summary().validations().size());
    // the last validation scored the final parameters on exactly the held-out rows
    double held =
        new MulticlassClassificationEvaluator()
            .setMetricName("accuracy")
            .evaluate(model.transform(frame.filter(org.apache.spark.sql.functions.col("held"))));
    assertEquals(held, model.summary().validationAccuracy()[3], 1e-12);
    assertThrows(
        IllegalArgumentException.class,
        () -> classifier().setValidationIndicatorCol("held").fit(frame, frame));
  }

  // ---- 6. the README's Java example, run as written (and 3. its saved Pipeline reloaded)

  @Test
  void readmeExampleRunsAndItsPipelineReloadsIdentically() throws IOException {
    String path = rawParquet;
    String modelDir = work.resolve("readme-model").toString();
    // spotless:off (README.md shows these lines as they are)
    // README example: begin
    Dataset<Row> data = spark.read().parquet(path);   // columns x1 .. x4 and label (0, 1 or 2)
    PolyakClassifier polyak = new PolyakClassifier()
        .setLayers("dense 12", "relu", "dense 3")       // the last width is the number of classes
        .setOptimizer("adam").setLearningRate(0.02).setBatchSize(64).setEpochs(4).setSeed(7)
        .setConfig("data.partitions = 2\nclipping.norm = 5");   // any other polyak key, as HOCON
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"}).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("features"),
        polyak});
    PipelineModel model = pipeline.fit(data);
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(model.transform(data));             // adds rawPrediction, probability, prediction
    PolyakTrainingSummary summary = ((PolyakClassificationModel) model.stages()[2]).summary();
    model.write().overwrite().save(modelDir);         // Spark's metadata + data/model.polyak
    // README example: end
    // spotless:on
    assertTrue(accuracy > 0.8, "accuracy " + accuracy);
    assertTrue(
        summary.totalIterations() >= 4 * (300 / 64), "4 epochs of 300 rows in batches of 64");
    assertTrue(
        Files.isRegularFile(
            Path.of(modelDir, "stages", "2_" + polyak.uid(), "data", "model.polyak")));
    assertSavedPipelineLoadsIdenticallyInAFreshSession(model, modelDir);
  }

  /**
   * 3. Pipeline save, a fresh session, load: the same predictions bit for bit; no Java
   * serialization.
   */
  private static void assertSavedPipelineLoadsIdenticallyInAFreshSession(
      PipelineModel fitted, String dir) throws IOException {
    List<String> before = probabilities(fitted.transform(spark.read().parquet(rawParquet)));
    spark.stop();
    spark = SparkTestSession.startKryo("polyak-ml-reloaded");
    PipelineModel loaded = PipelineModel.load(dir);
    List<String> after = probabilities(loaded.transform(spark.read().parquet(rawParquet)));
    assertEquals(before, after);

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

  @Test
  void readmeShowsTheExampleVerbatim() throws IOException {
    List<String> source =
        Files.readAllLines(Path.of("src/test/java/polyak/spark/ml/PolyakClassifierTest.java"));
    int begin = source.indexOf("    // README example: begin");
    int end = source.indexOf("    // README example: end");
    assertTrue(begin > 0 && end > begin);
    StringBuilder snippet = new StringBuilder();
    for (String line : source.subList(begin + 1, end)) {
      snippet.append(line.substring(4)).append('\n');
    }
    String readme = Files.readString(Path.of(System.getProperty("polyak.root", ".."), "README.md"));
    assertTrue(
        readme.contains("```java\n" + snippet + "```\n"),
        "README.md should show, as a java block:\n" + snippet);
  }

  @Test
  void standardizeInConfigTravelsWithTheModelAndTransformWorksOnAStream() throws Exception {
    Dataset<Row> frame = spark.read().parquet(vectorParquet);
    PolyakClassificationModel model =
        new PolyakClassifier().setConfig(SETTINGS + "data.scaling = standardize\n").fit(frame);
    assertTrue(
        model.savedModel().preprocessor().isPresent(),
        "the fitted standardization is in the model");
    Dataset<Row> batch = model.transform(frame);
    double accuracy =
        new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(batch);
    assertTrue(accuracy > 0.8, "accuracy " + accuracy);

    Dataset<Row> stream = spark.readStream().schema(vectorSchema()).parquet(vectorParquet);
    List<String> streamed = java.util.Collections.synchronizedList(new ArrayList<>());
    // foreachBatch, not the memory sink: that sink's task results are Spark classes polyak does not
    // register
    model
        .transform(stream)
        .writeStream()
        .foreachBatch(
            (org.apache.spark.api.java.function.VoidFunction2<Dataset<Row>, Long>)
                (scored, id) -> streamed.addAll(probabilities(scored)))
        .trigger(org.apache.spark.sql.streaming.Trigger.AvailableNow())
        .start()
        .awaitTermination();
    List<String> batched = new ArrayList<>(probabilities(batch));
    List<String> sortedStream = new ArrayList<>(streamed);
    java.util.Collections.sort(sortedStream);
    java.util.Collections.sort(batched);
    assertEquals(batched, sortedStream);
  }

  // ---- 5. bad input: one message naming the column

  @Test
  void badInputNamesTheColumn() {
    Dataset<Row> good = spark.read().parquet(vectorParquet);
    assertMessage(
        good.withColumn("features", org.apache.spark.sql.functions.lit("x")),
        "featuresCol 'features' has type string; expected a Spark ML Vector");
    assertMessage(
        good.withColumnRenamed("features", "f"), "featuresCol 'features': no such column");
    assertMessage(
        good.withColumn("label", org.apache.spark.sql.functions.lit("one")),
        "labelCol 'label' has type string; expected a number");
    List<Row> rows = new ArrayList<>(good.collectAsList());
    rows.set(17, RowFactory.create(rows.get(17).get(0), 3.0));
    assertMessage(
        spark.createDataFrame(rows, vectorSchema()),
        "column 'label', DataFrame partition ",
        ": label 3 outside [0, 3)");
    rows = new ArrayList<>(good.collectAsList());
    rows.set(5, RowFactory.create(Vectors.dense(1, Double.NaN, 0, 0), 1.0));
    assertMessage(
        spark.createDataFrame(rows, vectorSchema()),
        "column 'features', DataFrame partition ",
        ", feature 2: value NaN is not finite");
    assertMessage(
        good.limit(0), "training DataFrame (features 'features', label 'label'): no rows");
    assertMessage(
        good,
        "PolyakClassifier config: unknown key 'network.layer'",
        new PolyakClassifier().setConfig("network.layer = []"));
  }

  private static void assertMessage(Dataset<Row> frame, String... parts) {
    assertMessage(
        frame, parts[0], classifier(), java.util.Arrays.copyOfRange(parts, 1, parts.length));
  }

  private static void assertMessage(
      Dataset<Row> frame, String part, PolyakClassifier est, String... more) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> est.fit(frame));
    assertTrue(e.getMessage().contains(part), e.getMessage());
    for (String m : more) {
      assertTrue(e.getMessage().contains(m), e.getMessage());
    }
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }
}
