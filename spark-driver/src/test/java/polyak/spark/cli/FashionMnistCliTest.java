package polyak.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.spark.cli.CliErrorsTest.Result;
import polyak.spark.metrics.MetricsFile;

/**
 * Real data in local mode through the command line, as a user runs it: train on 10k Fashion-MNIST
 * rows with conf/fashion-mnist.conf to more than 80 % test accuracy; evaluate the saved model (the
 * same accuracy as the training's last validation, and a confusion matrix); predict to Parquet and
 * CSV; a diverging run into the same directory fails with exit code 1 and leaves the model and
 * checkpoints; gradcheck on a small network passes. Each command starts (and stops) its own Spark
 * session.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("slow")
class FashionMnistCliTest {
  static final String CONF = "../conf/fashion-mnist.conf";
  static final String DATA =
      System.getenv().getOrDefault("POLYAK_FASHION_MNIST", "/usr/share/datasets/fashion-mnist");
  static final int TEST_ROWS = 10_000;

  @TempDir static Path dir;
  static Path run;
  static Result trained;

  @BeforeAll
  static void dataInstalled() {
    assumeTrue(
        Files.exists(Path.of(DATA, "train-images-idx3-ubyte.gz")),
        "Fashion-MNIST not installed at " + DATA);
    run = dir.resolve("run");
  }

  static String[] args(String command, String... more) {
    List<String> a = new ArrayList<>(List.of(command, "--conf", CONF, "--master", "local[2]"));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  /** The training run's data: the first 10k training rows, the whole test set. */
  static final String[] DATA_OVERRIDES = {"data.train.limit=10000"};

  static String[] with(String[] base, String... more) {
    String[] out = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }

  static SavedModel model() throws IOException {
    try (InputStream in = Files.newInputStream(run.resolve("model.polyak"))) {
      return ModelFile.read(in, "model.polyak");
    }
  }

  @Test
  @Order(1)
  void trainReachesEightyPercentOnTenThousandRows() throws IOException {
    long start = System.nanoTime();
    // the example config with a smaller first layer, 3 epochs of batch 256 and a higher rate (runs
    // are
    // deterministic: this reaches 0.8280)
    trained =
        CliErrorsTest.cli(
            args(
                "train",
                with(
                    DATA_OVERRIDES,
                    "network.layers=[\"dense 128\", relu, \"dense 10\"]",
                    "training.epochs=3",
                    "training.batch_size=256",
                    "learning_rate.initial=0.005",
                    "learning_rate.warmup_iterations=10",
                    "checkpoint.every=50",
                    "output.dir=\"" + run + "\"")));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(0, trained.code(), trained::toString);
    assertEquals("", trained.err(), trained::toString);
    Matcher m = Pattern.compile("test accuracy (\\d\\.\\d+), test loss").matcher(trained.out());
    assertTrue(m.find(), trained.out());
    double printed = Double.parseDouble(m.group(1));
    System.out.printf(
        "fashion-mnist via CLI: 10k rows, 3 epochs: test accuracy %.4f in %.1f s%n",
        printed, seconds);
    assertTrue(printed > 0.80, trained.out());
    assertTrue(trained.out().contains("model saved to " + run + "/model.polyak"), trained.out());

    SavedModel model = model();
    double validation = Double.parseDouble(model.provenance().get("validation_accuracy"));
    assertEquals(printed, validation, 0.00005);
    assertEquals("117", model.provenance().get("iterations"));
    assertTrue(
        model.provenance().get("config").contains("\"limit\" : 10000"),
        model.provenance()::toString);
    assertTrue(Files.exists(run.resolve("checkpoints/ckpt-000000000117.polyak")));
    assertEquals(
        3,
        MetricsFile.read(run.toString(), new org.apache.hadoop.conf.Configuration())
            .evals()
            .size());
  }

  @Test
  @Order(2)
  void evaluateReportsTheTrainingsLastValidationAccuracyAndAConfusionMatrix() throws IOException {
    assumeTrue(trained != null && trained.code() == 0, "training failed");
    Result r =
        CliErrorsTest.cli(
            args("evaluate", with(DATA_OVERRIDES, "-m", run.resolve("model.polyak").toString())));
    assertEquals(0, r.code(), r::toString);
    Matcher m =
        Pattern.compile("accuracy (\\d\\.\\d{4}) \\((\\d+) / (\\d+)\\), loss (\\d+\\.\\d+)")
            .matcher(r.out());
    assertTrue(m.find(), r.out());
    long correct = Long.parseLong(m.group(2));
    assertEquals(TEST_ROWS, Long.parseLong(m.group(3)));
    SavedModel model = model();
    assertEquals(
        Double.parseDouble(model.provenance().get("validation_accuracy")),
        (double) correct / TEST_ROWS,
        0.0);
    assertEquals(
        Double.parseDouble(model.provenance().get("validation_loss")),
        Double.parseDouble(m.group(4)),
        1e-4);

    // the confusion matrix: a header, then one row per true class whose counts add up to the test
    // set
    List<String> lines = r.out().lines().collect(Collectors.toList());
    int header =
        lines.indexOf(
            lines.stream().filter(l -> l.contains("true\\pred")).findFirst().orElseThrow());
    long total = 0;
    long diagonal = 0;
    for (int t = 0; t < 10; t++) {
      String[] cells = lines.get(header + 1 + t).trim().split("\\s+");
      assertEquals(12, cells.length, lines.get(header + 1 + t));
      assertEquals(t, Integer.parseInt(cells[0]));
      for (int p = 0; p < 10; p++) {
        long n = Long.parseLong(cells[1 + p]);
        total += n;
        diagonal += p == t ? n : 0;
      }
    }
    assertEquals(TEST_ROWS, total);
    assertEquals(correct, diagonal);
  }

  /** id → (label, prediction, p0..p9) of one predictions output. */
  record Prediction(int label, int prediction, double[] p) {}

  static List<Path> parts(Path out, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      return s.filter(
              p -> p.getFileName().toString().startsWith("part-") && p.toString().endsWith(suffix))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  static final List<String> COLUMNS =
      List.of(
          "id", "label", "prediction", "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9");

  static Map<Long, Prediction> readParquet(Path out) throws IOException {
    Map<Long, Prediction> rows = new HashMap<>();
    for (Path part : parts(out, ".parquet")) {
      try (ParquetReader<Group> reader =
          ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(part.toUri()))
              .withConf(new Configuration())
              .build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          MessageType schema = (MessageType) g.getType();
          assertEquals(
              COLUMNS, schema.getFields().stream().map(Type::getName).collect(Collectors.toList()));
          double[] p = new double[10];
          for (int k = 0; k < 10; k++) {
            p[k] = g.getDouble("p" + k, 0);
          }
          Prediction prev =
              rows.put(
                  g.getLong("id", 0),
                  new Prediction(g.getInteger("label", 0), g.getInteger("prediction", 0), p));
          assertEquals(null, prev, "duplicate id");
        }
      }
    }
    return rows;
  }

  static Map<Long, Prediction> readCsv(Path out) throws IOException {
    Map<Long, Prediction> rows = new HashMap<>();
    for (Path part : parts(out, ".csv")) {
      List<String> lines = Files.readAllLines(part);
      assertEquals(String.join(",", COLUMNS), lines.get(0));
      for (String line : lines.subList(1, lines.size())) {
        String[] c = line.split(",");
        assertEquals(13, c.length, line);
        double[] p = new double[10];
        for (int k = 0; k < 10; k++) {
          p[k] = Double.parseDouble(c[3 + k]);
        }
        Prediction prev =
            rows.put(
                Long.parseLong(c[0]),
                new Prediction(Integer.parseInt(c[1]), Integer.parseInt(c[2]), p));
        assertEquals(null, prev, "duplicate id");
      }
    }
    return rows;
  }

  @Test
  @Order(3)
  void predictWritesParquetAndCsv() throws IOException {
    assumeTrue(trained != null && trained.code() == 0, "training failed");
    String model = run.resolve("model.polyak").toString();
    Path parquet = dir.resolve("predictions.parquet");
    Path csv = dir.resolve("predictions.csv");
    Result r =
        CliErrorsTest.cli(
            args("predict", with(DATA_OVERRIDES, "-m", model, "-o", parquet.toString())));
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("wrote predictions for 10000 rows"), r.out());
    r =
        CliErrorsTest.cli(
            args(
                "predict",
                with(DATA_OVERRIDES, "-m", model, "-o", csv.toString(), "--output-format", "csv")));
    assertEquals(0, r.code(), r::toString);

    Map<Long, Prediction> fromParquet = readParquet(parquet);
    Map<Long, Prediction> fromCsv = readCsv(csv);
    assertEquals(TEST_ROWS, fromParquet.size());
    assertEquals(TEST_ROWS, fromCsv.size());
    long correct = 0;
    for (long id = 0; id < TEST_ROWS; id++) {
      Prediction p = fromParquet.get(id);
      assertTrue(p != null, "missing id " + id);
      double sum = 0;
      int argmax = 0;
      for (int k = 0; k < 10; k++) {
        assertTrue(
            p.p()[k] >= 0 && p.p()[k] <= 1,
            () -> "probability out of [0, 1]: " + Arrays.toString(p.p()));
        sum += p.p()[k];
        argmax = p.p()[k] > p.p()[argmax] ? k : argmax;
      }
      assertEquals(1.0, sum, 1e-9);
      assertEquals(argmax, p.prediction());
      assertTrue(p.label() >= 0 && p.label() < 10);
      correct += p.label() == p.prediction() ? 1 : 0;
      Prediction c = fromCsv.get(id);
      assertEquals(p.label(), c.label());
      assertEquals(p.prediction(), c.prediction());
      assertArrayEquals(p.p(), c.p(), 1e-12);
    }
    // the test set in file order: the same labels the IDX file holds, and the evaluated accuracy
    assertEquals(
        Double.parseDouble(model().provenance().get("validation_accuracy")),
        (double) correct / TEST_ROWS,
        0.0);
  }

  @Test
  @Order(4)
  void divergingRunExitsWith1AndKeepsTheModelAndCheckpoints() throws IOException {
    assumeTrue(trained != null && trained.code() == 0, "training failed");
    byte[] model = Files.readAllBytes(run.resolve("model.polyak"));
    Map<String, byte[]> checkpoints = new TreeMap<>();
    try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
      for (Path p : s.collect(Collectors.toList())) {
        checkpoints.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    // a huge rate on unscaled pixels, into the good run's directory: refused (another run's files)
    // ...
    String[] diverging = {
      "data.train.limit=2000",
      "data.scaling=none",
      "optimizer.name=sgd",
      "learning_rate.schedule=constant",
      "learning_rate.initial=1e300",
      "learning_rate.warmup_iterations=0",
      "training.batch_size=256",
      "checkpoint.every=1",
      "output.dir=\"" + run + "\""
    };
    Result refused = CliErrorsTest.cli(args("train", diverging));
    assertEquals(2, refused.code(), refused::toString);
    assertTrue(refused.err().contains("--overwrite"), refused::toString);
    // ... and when asked to replace it, it diverges within its first iterations (before its first
    // checkpoint would land at 100) and leaves the good run's model and checkpoints as they were
    diverging[7] = "checkpoint.every=100";
    Result r = CliErrorsTest.cli(args("train", with(diverging, "--overwrite")));
    assertEquals(1, r.code(), r::toString);
    String err = r.err().strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(
        err.matches(
            "polyak: training diverged: iteration \\d+: .*first at layer \\d+ \\w+ "
                + "\\(segment '\\w+\\.\\w+'\\) index \\d+.*"),
        err);
    assertArrayEquals(model, Files.readAllBytes(run.resolve("model.polyak")));
    for (Map.Entry<String, byte[]> e : checkpoints.entrySet()) {
      assertArrayEquals(
          e.getValue(),
          Files.readAllBytes(run.resolve("checkpoints").resolve(e.getKey())),
          e.getKey());
    }
  }

  /**
   * {@code train --resume}: the newest checkpoint (117, the end) was cut short; the run continues
   * from the one before (100) and ends with the very parameters of the uninterrupted run.
   */
  @Test
  @Order(5)
  void resumeSkipsADamagedCheckpointAndEndsBitIdentical() throws IOException {
    assumeTrue(trained != null && trained.code() == 0, "training failed");
    SavedModel uninterrupted = model();
    Path last = run.resolve("checkpoints/ckpt-000000000117.polyak");
    byte[] whole = Files.readAllBytes(last);
    Files.write(last, Arrays.copyOf(whole, whole.length / 2));
    // metrics.jsonl is now the diverged --overwrite run's (order 4): replacing it needs --overwrite
    // too
    Result r =
        CliErrorsTest.cli(
            "train",
            "--master",
            "local[2]",
            "--resume",
            run.resolve("checkpoints").toString(),
            "--overwrite");
    assertEquals(0, r.code(), r::toString);
    assertTrue(
        r.out().contains("resuming from ")
            && r.out().contains("ckpt-000000000100.polyak at iteration 100"),
        r.out());
    SavedModel resumed = model();
    assertArrayEquals(uninterrupted.params(), resumed.params(), 0.0);
    assertEquals(
        uninterrupted.provenance().get("validation_accuracy"),
        resumed.provenance().get("validation_accuracy"));
    assertArrayEquals(whole, Files.readAllBytes(last));
  }

  @Test
  @Order(6)
  void gradcheckPassesOnASmallNetwork() {
    Result r =
        CliErrorsTest.cli(
            args("gradcheck", "--rows", "4", "network.layers=[\"dense 5\", tanh, \"dense 10\"]"));
    assertEquals(0, r.code(), r::toString);
    List<String> segments =
        r.out()
            .lines()
            .filter(l -> l.matches("layer\\d+\\.\\w+\\s+\\w+\\s+max rel err .*"))
            .collect(Collectors.toList());
    assertEquals(4, segments.size(), r.out());
    assertTrue(r.out().contains("on 4 rows"), r.out());
    assertTrue(r.out().contains(": PASS"), r.out());
  }
}
