package polyak.spark.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import polyak.spark.cli.PolyakCli;

/**
 * A corpus of malformed inputs and failing runs, each through the whole command line in process:
 * for every case the exit code, exactly one {@code polyak:} line on stderr naming the culprit, no
 * stack trace, and every file that was there before (data, models, checkpoints, unrelated files)
 * still there and byte-identical afterwards. One line per case in {@link #corpus()}; {@code {d}} in
 * an argument is the fixture directory. Each command that gets past its config starts its own Spark
 * session.
 */
@Tag("slow")
class ReliabilityTest {
  @TempDir static Path d;

  /** A command line, its expected exit code and what its one stderr line must mention. */
  record Case(String name, int code, List<String> culprits, List<String> args) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String NET = "network.layers=[\"dense 4\", relu, \"dense 3\"]";

  static Case fails(String name, int code, String culprit, String... args) {
    return new Case(name, code, List.of(culprit.split("\\|")), List.of(args));
  }

  /**
   * {@code polyak train} on CSV {@code file} of the fixtures with a small network, plus overrides.
   */
  static String[] train(String format, String file, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                "--master",
                "local[2]",
                "data.format=" + format,
                "data.train.paths=[\"{d}/data/" + file + "\"]",
                "data.classes=3",
                "network.input=2",
                NET,
                "output.dir={d}/runs/" + file.replace('.', '-'),
                "training.epochs=1",
                "training.batch_size=10",
                "data.scaling=none"));
    if (format.equals("libsvm")) {
      a.add("data.libsvm.features=2");
    }
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  static String[] evaluate(String model) {
    return new String[] {
      "evaluate",
      "--master",
      "local[2]",
      "-m",
      "{d}/models/" + model,
      "data.format=csv",
      "data.test.paths=[\"{d}/data/good.csv\"]",
      "data.classes=3",
      "network.input=2",
      NET
    };
  }

  static Stream<Case> corpus() {
    return Stream.of(
        // configs and network specs (no Spark session is started)
        fails("unknown key", 2, "training.epoch", train("csv", "good.csv", "training.epoch=3")),
        fails(
            "layer of 5.4M units",
            2,
            "network.layers[0]|parameters",
            train(
                "csv",
                "good.csv",
                "network.input=784",
                "network.layers=[\"dense 5400000\", \"dense 3\"]")),
        fails(
            "dense 2000000000",
            2,
            "network.layers[0]|parameters",
            train("csv", "good.csv", "network.layers=[\"dense 2000000000\", \"dense 3\"]")),
        fails(
            "network too big for the heap",
            2,
            "network.layers[0] (dense 200000 |heap",
            train(
                "csv",
                "good.csv",
                "network.input=10000",
                "network.layers=[\"dense 200000\", \"dense 3\"]")),
        fails(
            "bad divergence key",
            2,
            "divergence.growth",
            train("csv", "good.csv", "divergence.growth=0.5")),
        // masters
        fails(
            "malformed master",
            2,
            "nowhere://x",
            "train",
            "--master",
            "nowhere://x",
            "data.format=csv",
            "data.train.paths=[\"{d}/data/good.csv\"]",
            "data.classes=3",
            "network.input=2",
            NET),
        fails(
            "unreachable master",
            2,
            "spark://127.0.0.1:1|cannot reach",
            "train",
            "--master",
            "spark://127.0.0.1:1",
            "data.format=csv",
            "data.train.paths=[\"{d}/data/good.csv\"]",
            "data.classes=3",
            "network.input=2",
            NET),
        // CSV faults
        fails("csv NaN feature", 2, "nan.csv: line 3", train("csv", "nan.csv")),
        fails("csv non-numeric field", 2, "text.csv: line 2, column 2", train("csv", "text.csv")),
        fails("csv ragged row", 2, "ragged.csv: line 4", train("csv", "ragged.csv")),
        fails("csv bad label", 2, "label.csv: line 5", train("csv", "label.csv")),
        fails("csv wrong delimiter", 2, "semicolon.csv: line 1", train("csv", "semicolon.csv")),
        // LibSVM faults
        fails("libsvm bad pair", 2, "pair.libsvm: line 2", train("libsvm", "pair.libsvm")),
        fails("libsvm bad index", 2, "index.libsvm: line 3", train("libsvm", "index.libsvm")),
        // IDX faults
        fails(
            "idx truncated body",
            2,
            "trunc-images.idx",
            "train",
            "--master",
            "local[2]",
            "data.format=idx",
            "data.train.images={d}/data/trunc-images.idx",
            "data.train.labels={d}/data/trunc-labels.idx",
            "data.classes=3",
            "network.input=4",
            NET,
            "output.dir={d}/runs/idx",
            "data.partitions=2"),
        fails(
            "idx of 2^31-1 records",
            2,
            "huge-images.idx",
            "train",
            "--master",
            "local[2]",
            "data.format=idx",
            "data.train.images={d}/data/huge-images.idx",
            "data.train.labels={d}/data/huge-labels.idx",
            "data.classes=3",
            "network.input=4",
            NET,
            "output.dir={d}/runs/idx",
            "data.partitions=2"),
        // Parquet faults
        fails(
            "parquet NaN feature",
            2,
            "nan.parquet|row |not finite",
            "train",
            "--master",
            "local[2]",
            "data.format=parquet",
            "data.train.paths=[\"{d}/data/nan.parquet\"]",
            "data.classes=3",
            "network.input=2",
            NET,
            "output.dir={d}/runs/parquet"),
        // missing files and bad model files
        fails("missing data file", 2, "absent.csv", train("csv", "absent.csv")),
        fails("missing model file", 2, "absent.polyak", evaluate("absent.polyak")),
        fails("damaged model file", 2, "damaged.polyak", evaluate("damaged.polyak")),
        fails(
            "resume from a missing directory",
            2,
            "nothing-here|does not exist",
            "train",
            "--master",
            "local[2]",
            "--resume",
            "{d}/runs/nothing-here"),
        // a second run into an earlier run's output directory is refused, naming the ways out
        fails(
            "second run into a used output.dir",
            2,
            "runs/explode|--resume|--overwrite",
            train("csv", "good.csv", "output.dir={d}/runs/explode")),
        // runs that fail: exit 1, and every earlier file (the earlier runs' outputs beside them) is
        // left
        fails(
            "exploding run",
            1,
            "training diverged|exploded",
            train(
                "csv",
                "good.csv",
                "optimizer.name=sgd",
                "learning_rate.initial=1e4",
                "output.dir={d}/runs/explode-2",
                "training.epochs=5")),
        fails(
            "collapsed run",
            1,
            "training collapsed|chance level",
            train(
                "csv",
                "zero.csv",
                "data.test.paths=[\"{d}/data/zero.csv\"]",
                "evaluation.every=1",
                "training.epochs=5",
                "output.dir={d}/runs/collapse-2")));
  }

  @BeforeAll
  static void fixtures() throws IOException {
    Path data = Files.createDirectories(d.resolve("data"));
    StringBuilder good = new StringBuilder();
    StringBuilder zero = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      int label = i % 3;
      good.append(label)
          .append(',')
          .append(label + 0.1 * (i % 5))
          .append(',')
          .append(2 - label)
          .append('\n');
      zero.append(label).append(",0,0\n");
    }
    Files.writeString(data.resolve("good.csv"), good);
    Files.writeString(data.resolve("zero.csv"), zero);
    Files.writeString(data.resolve("nan.csv"), "0,1,2\n1,2,3\n2,NaN,1\n");
    Files.writeString(data.resolve("text.csv"), "0,1,2\n1,abc,3\n");
    Files.writeString(data.resolve("ragged.csv"), "0,1,2\n1,2,3\n2,1,1\n0,1\n");
    Files.writeString(data.resolve("label.csv"), "0,1,2\n1,2,3\n2,1,1\n0,1,1\n7,1,1\n");
    Files.writeString(data.resolve("semicolon.csv"), "0;1;2\n1;2;3\n");
    Files.writeString(data.resolve("pair.libsvm"), "0 1:0.5 2:1\n1 1:x\n");
    Files.writeString(data.resolve("index.libsvm"), "0 1:0.5 2:1\n1 1:1\n2 9:1\n");
    Files.writeString(data.resolve("notes.txt"), "unrelated\n");
    writeIdx(data.resolve("trunc-images.idx"), new int[] {10, 2, 2}, new byte[5 * 4]);
    writeIdx(data.resolve("trunc-labels.idx"), new int[] {10}, new byte[10]);
    writeIdx(data.resolve("huge-images.idx"), new int[] {Integer.MAX_VALUE, 2, 2}, new byte[16]);
    writeIdx(data.resolve("huge-labels.idx"), new int[] {Integer.MAX_VALUE}, new byte[4]);
    // Parquet needs Spark to write it: a session of the test's own, stopped before the corpus runs
    org.apache.spark.sql.SparkSession spark =
        polyak.spark.SparkTestSession.start("ReliabilityTest fixtures");
    try {
      org.apache.spark.sql.types.StructType schema =
          new org.apache.spark.sql.types.StructType()
              .add(
                  "features",
                  org.apache.spark.sql.types.DataTypes.createArrayType(
                      org.apache.spark.sql.types.DataTypes.DoubleType))
              .add("label", org.apache.spark.sql.types.DataTypes.IntegerType);
      List<org.apache.spark.sql.Row> rows =
          List.of(
              org.apache.spark.sql.RowFactory.create(
                  scala.jdk.javaapi.CollectionConverters.asScala(List.of(1.0, 2.0)).toSeq(), 0),
              org.apache.spark.sql.RowFactory.create(
                  scala.jdk.javaapi.CollectionConverters.asScala(List.of(Double.NaN, 2.0)).toSeq(),
                  1));
      spark
          .createDataFrame(rows, schema)
          .coalesce(1)
          .write()
          .parquet(data.resolve("nan.parquet").toString());
    } finally {
      spark.stop();
    }
    Path models = Files.createDirectories(d.resolve("models"));
    Files.write(
        models.resolve("damaged.polyak"),
        "POLYAKM\0 but not really a model".getBytes(StandardCharsets.UTF_8));
    // an earlier run's output: the failing runs write into the same directory and must leave it
    for (String run : List.of("explode", "collapse")) {
      Path earlier = Files.createDirectories(d.resolve("runs").resolve(run).resolve("checkpoints"));
      Files.writeString(earlier.resolveSibling("model.polyak"), "the earlier run's model\n");
      Files.writeString(earlier.resolve("keep-me.txt"), "not a checkpoint\n");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void failsWithOneLineAndTouchesNothing(Case c) throws IOException {
    Map<Path, byte[]> before = snapshot();
    String[] args =
        c.args().stream().map(a -> a.replace("{d}", d.toString())).toArray(String[]::new);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = PolyakCli.execute(o, e, args);
    }
    String stderr = err.toString(StandardCharsets.UTF_8).strip();
    String report = c.name() + ": exit " + code + "\nstderr: " + stderr + "\nstdout: " + out;
    assertEquals(c.code(), code, report);
    assertEquals(1, stderr.lines().count(), report);
    assertTrue(stderr.startsWith("polyak: "), report);
    assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), report);
    for (String culprit : c.culprits()) {
      assertTrue(stderr.contains(culprit), () -> "should name '" + culprit + "': " + report);
    }
    Map<Path, byte[]> after = snapshot();
    for (Map.Entry<Path, byte[]> f : before.entrySet()) {
      assertTrue(after.containsKey(f.getKey()), () -> f.getKey() + " was removed: " + report);
      assertArrayEquals(
          f.getValue(), after.get(f.getKey()), () -> f.getKey() + " was changed: " + report);
    }
  }

  /**
   * A run that collapses at iteration 5 (accuracy at chance since iteration 3) keeps its
   * checkpoints from before the trouble — although checkpoint.keep = 2 would have rotated them out
   * — and removes its own from iteration 3 on.
   */
  @Test
  void aCollapsedRunKeepsItsLastCheckpointFromBeforeTheTrouble() throws IOException {
    Path run = d.resolve("runs/collapse-checkpoints");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args =
        train(
            "csv",
            "zero.csv",
            "data.test.paths=[\"{d}/data/zero.csv\"]",
            "evaluation.every=1",
            "training.epochs=5",
            "checkpoint.every=1",
            "checkpoint.keep=2",
            "output.dir=" + run);
    int code;
    try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code =
          PolyakCli.execute(
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
              e,
              java.util.Arrays.stream(args)
                  .map(a -> a.replace("{d}", d.toString()))
                  .toArray(String[]::new));
    }
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, stderr);
    assertTrue(
        stderr.contains("since iteration 3")
            && stderr.contains("removed this run's 3 checkpoint(s) from" + " iteration 3 on")
            && stderr.contains("ckpt-000000000002.polyak (iteration 2)"),
        stderr);
    try (Stream<Path> files = Files.list(run.resolve("checkpoints"))) {
      assertEquals(
          List.of("ckpt-000000000001.polyak", "ckpt-000000000002.polyak"),
          files
              .map(f -> f.getFileName().toString())
              .filter(f -> f.endsWith(".polyak"))
              .sorted()
              .toList());
    }
  }

  /**
   * SIGTERM to a training JVM (a subprocess: the in-process CLI cannot be signalled): it stops
   * after the current iteration, checkpoints it, and says in one line where to resume — instead of
   * an internal Spark error about a destroyed broadcast.
   */
  @Test
  void sigtermStopsTheRunCleanlyAndSaysWhereToResume() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      big.append(i % 3)
          .append(',')
          .append(i % 3 + (i % 7) / 7.0)
          .append(',')
          .append((i % 5) / 5.0)
          .append('\n');
    }
    Files.writeString(d.resolve("data/big.csv"), big);
    Path run = d.resolve("runs/signal");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-") || a.startsWith("-Xmx")) {
        command.add(a);
      }
    }
    command.addAll(
        List.of(
            "-Dlog4j2.configurationFile=polyak-log4j2.properties",
            "-Dpolyak.log.file=" + d.resolve("signal.log"),
            "-cp",
            System.getProperty("java.class.path"),
            PolyakCli.class.getName()));
    command.addAll(
        List.of(
            train(
                "csv",
                "big.csv",
                "output.dir=" + run,
                "training.epochs=1000",
                "training.batch_size=30",
                "checkpoint.every=50")));
    command.replaceAll(a -> a.replace("{d}", d.toString()));
    Process p =
        new ProcessBuilder(command)
            .redirectError(d.resolve("signal.err").toFile())
            .redirectOutput(d.resolve("signal.out").toFile())
            .start();
    try {
      Path metrics = run.resolve("metrics.jsonl");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!(Files.exists(metrics) && Files.readAllLines(metrics).size() > 2)
          && System.nanoTime() < deadline
          && p.isAlive()) {
        Thread.sleep(200);
      }
      if (!p.isAlive()) {
        throw new AssertionError("the run ended early: " + read("signal.err"));
      }
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run did not stop within 60 s of SIGTERM");
    } finally {
      p.destroyForcibly();
    }
    String err = read("signal.err");
    List<String> lines = err.lines().filter(l -> l.startsWith("polyak: ")).toList();
    assertEquals(1, lines.size(), err);
    assertTrue(
        lines
            .get(0)
            .matches(
                "polyak: stopped by a signal: stopped after iteration \\d+; checkpoint in "
                    + java.util.regex.Pattern.quote(run.resolve("checkpoints").toString())
                    + "; continue with: polyak train"
                    + " --resume .*"),
        err);
    assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
    String step = lines.get(0).replaceAll(".*stopped after iteration (\\d+);.*", "$1");
    assertTrue(
        Files.isRegularFile(
            run.resolve("checkpoints")
                .resolve(String.format("ckpt-%012d.polyak", Long.parseLong(step)))),
        err);
  }

  private static String read(String file) throws IOException {
    return Files.readString(d.resolve(file));
  }

  private static Map<Path, byte[]> snapshot() throws IOException {
    Map<Path, byte[]> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(d)) {
      for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        files.put(p, Files.readAllBytes(p));
      }
    }
    return files;
  }

  private static void writeIdx(Path file, int[] dims, byte[] body) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(0x0800 | dims.length);
      for (int n : dims) {
        out.writeInt(n);
      }
      out.write(body);
    }
  }
}
