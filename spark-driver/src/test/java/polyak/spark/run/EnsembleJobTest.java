package polyak.spark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import polyak.data.Dataset;
import polyak.io.SavedModel;
import polyak.spark.SparkTestSession;
import polyak.spark.config.ConfigError;
import polyak.spark.config.PolyakConfig;
import polyak.spark.metrics.Json;
import polyak.train.Ensemble;

/**
 * {@code polyak train} with {@code ensemble.members = 2}: the members trained on Spark over the
 * cached data, each on its bootstrap sample drawn on the executors, end at exactly the parameters
 * of the local {@link Ensemble#train} on the same partitions; the one ensemble file evaluates and
 * predicts as the mean of its members; member and ensemble accuracy are reported.
 */
class EnsembleJobTest {
  static SparkSession spark;
  @TempDir static Path data;

  @TempDir Path work;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkTestSession.startKryo("ensemble-job");
    SplittableRandom rng = new SplittableRandom(5);
    Files.createDirectories(data.resolve("train"));
    Files.write(data.resolve("train/a.csv"), TrainJobTest.rows(rng, 190, 1));
    Files.write(data.resolve("train/b.csv"), TrainJobTest.rows(rng, 211, 1));
    Files.write(data.resolve("test.csv"), TrainJobTest.rows(rng, 150, 1));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static final String ENSEMBLE =
      TrainJobTest.ADAM
          + """
      training { max_iterations = 12, batch_size = 40 }
      evaluation.every = 6
      checkpoint.every = 0
      ensemble.members = 2
      """;

  PolyakConfig config(String name, String... overrides) throws IOException {
    return polyak.spark.config.ConfigLoader.load(
        Files.writeString(work.resolve(name + ".conf"), config(data, work.resolve(name))).toFile(),
        List.of(overrides));
  }

  static String config(Path data, Path out) {
    return """
        data {
          format = csv
          classes = 3
          train.paths = ["%s"]
          test.paths = ["%s"]
          scaling = standardize
        }
        training.seed = 11
        output.dir = "%s"
        """
            .formatted(data.resolve("train"), data.resolve("test.csv"), out)
        + ENSEMBLE;
  }

  static String run(PolyakConfig config, PreparedData prepared) throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      TrainJob.run(spark, config, null, List.of(), out, false, prepared, null, false);
    }
    return console.toString(StandardCharsets.UTF_8);
  }

  static Dataset[] blocks(org.apache.spark.api.java.JavaRDD<Dataset> rdd) {
    return rdd.collect().toArray(new Dataset[0]);
  }

  /** One ensemble run per partition count, shared by the tests: config, data and console. */
  record Run(PolyakConfig config, PreparedData prepared, String console) {}

  static final java.util.Map<Integer, Run> RUNS = new java.util.concurrent.ConcurrentHashMap<>();

  static synchronized Run ensembleRun(int partitions) throws IOException {
    Run r = RUNS.get(partitions);
    if (r == null) {
      Path dir = data.resolve("p" + partitions);
      Files.createDirectories(dir);
      PolyakConfig config =
          polyak.spark.config.ConfigLoader.load(
              Files.writeString(dir.resolve("ensemble.conf"), config(data, dir.resolve("run")))
                  .toFile(),
              List.of("data.partitions=" + partitions));
      PreparedData prepared = PreparedData.load(spark, config, null);
      r = new Run(config, prepared, run(config, prepared));
      RUNS.put(partitions, r);
    }
    return r;
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {2, 3})
  void sparkMembersEqualLocalEnsembleTrainingBitForBit(int partitions) throws IOException {
    Run run = ensembleRun(partitions);
    PolyakConfig config = run.config();
    PreparedData prepared = run.prepared();
    String console = run.console();

    Ensemble local =
        Ensemble.train(
            config.network(),
            config.training(),
            blocks(prepared.train().blocks()),
            2,
            true,
            config.precision());
    String modelPath = config.outputDir() + "/model.polyak";
    SavedModel saved = TrainJobTest.model(modelPath);
    assertEquals("2", saved.provenance().get(Ensemble.MEMBERS_KEY));
    Ensemble distributed = Ensemble.fromSavedModel(saved, modelPath);
    for (int m = 0; m < 2; m++) {
      assertArrayEquals(local.memberParameters(m), distributed.memberParameters(m), "member " + m);
      // each member is also an ordinary run of its own, with its checkpoints and metrics
      Path dir = Path.of(config.outputDir(), "members", Integer.toString(m));
      assertArrayEquals(
          local.memberParameters(m),
          TrainJobTest.model(dir.resolve("model.polyak").toString()).params());
      assertTrue(
          Files.exists(dir.resolve("metrics.jsonl"))
              && Files.isDirectory(dir.resolve("checkpoints")));
    }
    assertTrue(java.util.Arrays.compare(local.memberParameters(0), local.memberParameters(1)) != 0);

    double[] accuracy = new double[3];
    Dataset[] test = blocks(prepared.test().blocks());
    for (int m = 0; m < 2; m++) {
      accuracy[m] =
          new Ensemble(
                  config.network(), new double[][] {local.memberParameters(m)}, new double[1][0])
              .accuracy(concat(test));
    }
    accuracy[2] = local.accuracy(concat(test));
    JsonNode metrics =
        Json.MAPPER.readTree(Path.of(config.outputDir(), EnsembleJob.METRICS).toFile());
    for (int m = 0; m < 2; m++) {
      assertEquals(
          accuracy[m], metrics.get("member_results").get(m).get("accuracy").asDouble(), 0.0);
      assertTrue(
          console.contains(
              String.format(java.util.Locale.ROOT, "member %d   accuracy %.4f", m, accuracy[m])),
          console);
    }
    assertEquals(accuracy[2], metrics.get("ensemble").get("accuracy").asDouble(), 0.0);
    assertEquals(Double.toString(accuracy[2]), saved.provenance().get("validation_accuracy"));
    assertTrue(
        console.contains(
            String.format(java.util.Locale.ROOT, "ensemble   accuracy %.4f", accuracy[2])),
        console);
  }

  @Test
  void evaluatePredictAndInfoTakeTheEnsembleFileAsTheMeanOfItsMembers() throws IOException {
    Run run = ensembleRun(2);
    PolyakConfig config = run.config();
    PreparedData prepared = run.prepared();
    String modelPath = config.outputDir() + "/model.polyak";
    Ensemble ensemble = Ensemble.fromSavedModel(TrainJobTest.model(modelPath), modelPath);
    Dataset test = concat(blocks(prepared.test().blocks()));
    double[] mean = new double[test.rows() * 3];
    ensemble.predict(test, 0, test.rows(), mean);
    // the members' own predictions, averaged here
    polyak.nn.Network net = polyak.nn.Network.build(config.network());
    double[] expected = new double[mean.length];
    double[] one = new double[mean.length];
    for (int m = 0; m < 2; m++) {
      net.predict(ensemble.memberParameters(m), new double[0], test, 0, test.rows(), one);
      for (int i = 0; i < one.length; i++) {
        expected[i] += one[i];
      }
    }
    for (int i = 0; i < expected.length; i++) {
      expected[i] /= 2;
    }
    assertArrayEquals(expected, mean, 0.0);

    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
    EvaluationCounts counts = EvaluateJob.run(spark, config, modelPath, out);
    long correct = 0;
    for (int r = 0; r < test.rows(); r++) {
      correct += polyak.nn.Inference.argmax(mean, r * 3, 3) == test.labels()[r] ? 1 : 0;
    }
    assertEquals(correct, counts.correct());
    assertEquals(test.rows(), counts.count());

    String predictions = work.resolve("predictions").toString();
    PredictJob.run(spark, config, modelPath, predictions, "csv", out);
    List<String[]> rows = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> parts = Files.list(Path.of(predictions))) {
      for (Path part : parts.filter(p -> p.getFileName().toString().endsWith(".csv")).toList()) {
        Files.readAllLines(part).stream().skip(1).forEach(l -> rows.add(l.split(",")));
      }
    }
    assertEquals(test.rows(), rows.size());
    for (String[] row : rows) {
      int r = (int) (Long.parseLong(row[0]) - test.baseId());
      for (int k = 0; k < 3; k++) {
        assertEquals(mean[r * 3 + k], Double.parseDouble(row[3 + k]), 0.0, "row " + r);
      }
      assertEquals(polyak.nn.Inference.argmax(mean, r * 3, 3), Integer.parseInt(row[2]));
    }

    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> EvaluateJob.run(spark, config, modelPath, 0.1, out))
            .getMessage()
            .contains("ensemble of 2 members"));

    ByteArrayOutputStream info = new ByteArrayOutputStream();
    ModelInfo.print(modelPath, new PrintStream(info, true, StandardCharsets.UTF_8));
    assertTrue(
        info.toString(StandardCharsets.UTF_8).contains("ensemble:     2 members"), info::toString);
  }

  /**
   * polyak train hands the training loop its stop-signal control: an ensemble run with a control
   * (one that never stops) trains its members as without one (it was refused as "a sweep").
   */
  @Test
  void ensembleTrainsUnderAStepControl() throws IOException {
    PolyakConfig config = config("controlled", "training.max_iterations=3");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    java.util.concurrent.atomic.AtomicLong asked = new java.util.concurrent.atomic.AtomicLong();
    try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      TrainJob.run(
          spark,
          config,
          null,
          List.of(),
          out,
          false,
          null,
          step -> asked.incrementAndGet() < 0,
          false);
    }
    assertTrue(Files.exists(Path.of(config.outputDir(), "model.polyak")), console.toString());
    assertTrue(asked.get() >= 2, "the control was asked " + asked.get() + " times");
  }

  @Test
  void configNamesTheKeyOfABadEnsemble() throws IOException {
    assertTrue(
        assertThrows(ConfigError.class, () -> config("bad", "ensemble.members=-1"))
            .getMessage()
            .contains("ensemble.members"));
    assertTrue(
        assertThrows(ConfigError.class, () -> config("mse", "network.loss=mse"))
            .getMessage()
            .contains("ensemble.members"));
    assertTrue(
        !config("single", "ensemble.members=1").ensemble().active(),
        "one member is a single model");
  }

  /**
   * A fresh run's own directory (output.dir = .../latest) keeps the whole config, not just the old
   * keys.
   */
  @Test
  void runDirectoryKeepsEnsemblePcaAndDistillation() throws IOException {
    PolyakConfig c = config("dirs", "data.pca.components=8", "distillation.teacher=teacher.polyak");
    PolyakConfig moved = RunDirectory.withDirs(c, "out", "out/checkpoints");
    assertEquals("out", moved.outputDir());
    assertEquals(2, moved.ensemble().members());
    assertEquals(8, moved.pca().components());
    assertEquals("teacher.polyak", moved.distillation().teacher());
  }

  /** The blocks' rows in order as one data set (ids from the first block's). */
  static Dataset concat(Dataset[] blocks) {
    int rows = 0;
    for (Dataset b : blocks) {
      rows += b.rows();
    }
    int w = blocks[0].width();
    double[] x = new double[rows * w];
    int[] y = new int[rows];
    int at = 0;
    for (Dataset b : blocks) {
      System.arraycopy(b.features(), 0, x, at * w, b.rows() * w);
      System.arraycopy(b.labels(), 0, y, at, b.rows());
      at += b.rows();
    }
    return Dataset.classification("test", w, x, y, blocks[0].classes(), blocks[0].baseId());
  }
}
