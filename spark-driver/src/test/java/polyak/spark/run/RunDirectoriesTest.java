package polyak.spark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.spark.cli.PolyakCli;

/**
 * Output directories, run identity and resume through the command line: predict never wipes what it
 * was not asked to, a second run into a used output.dir is refused (or replaces it with
 * --overwrite), a resumed copy writes next to the copy, and overrides that would change the saved
 * state's meaning are refused on resume.
 */
@Tag("slow")
class RunDirectoriesTest {
  @TempDir static Path data;

  @TempDir Path work;

  static String conf;

  @BeforeAll
  static void write() throws IOException {
    SplittableRandom rng = new SplittableRandom(5);
    Files.write(data.resolve("train.csv"), TrainJobTest.rows(rng, 300, 1));
    Files.write(data.resolve("test.csv"), TrainJobTest.rows(rng, 60, 1));
    Path raw = Files.write(data.resolve("raw.csv"), TrainJobTest.rows(rng, 300, 255));
    conf =
        Files.writeString(
                data.resolve("small.conf"),
                """
        data {
          format = csv
          classes = 3
          train.paths = ["%s"]
          test.paths = ["%s"]
          scaling = standardize
          partitions = 2
        }
        network { input = 8, layers = ["dense 6", tanh, "dense 3"], loss = softmax_ce }
        optimizer.name = adam
        training { seed = 3, batch_size = 50, epochs = 10, max_iterations = 6 }
        evaluation.every = 3
        checkpoint { every = 3, keep = 2 }
        """
                    .formatted(data.resolve("train.csv"), data.resolve("test.csv")))
            .toString();
    assertTrue(Files.exists(raw));
  }

  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = PolyakCli.execute(o, e, args);
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Result train(Path out, String... more) {
    String[] args =
        Stream.concat(
                Stream.of("train", "--conf", conf, "output.dir=\"" + out + "\""), Stream.of(more))
            .toArray(String[]::new);
    return cli(args);
  }

  static void assertOk(Result r) {
    assertEquals(0, r.code(), r::toString);
  }

  /** Exit 2 and one line "polyak: ..." naming every part. */
  static void assertRefused(Result r, String... parts) {
    assertEquals(2, r.code(), r::toString);
    String err = r.err().strip();
    assertTrue(err.startsWith("polyak: "), r::toString);
    assertEquals(1, err.lines().count(), r::toString);
    for (String p : parts) {
      assertTrue(err.contains(p), () -> "stderr should mention '" + p + "': " + err);
    }
  }

  /** Every file under {@code dir} (relative name → bytes), .crc side files left out. */
  static Map<String, byte[]> snapshot(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (!p.getFileName().toString().endsWith(".crc")) {
          out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  static void assertUnchanged(Map<String, byte[]> before, Path dir) throws IOException {
    Map<String, byte[]> now = snapshot(dir);
    assertEquals(before.keySet(), now.keySet());
    before.forEach((k, v) -> assertArrayEquals(v, now.get(k), k));
  }

  /** Issue 10 item 1: predict refuses a file or non-empty directory, and never the run it reads. */
  @Test
  void predictNeverWipesWhatItWasNotAskedTo() throws IOException {
    Path run = work.resolve("run");
    assertOk(train(run));
    String model = run.resolve("model.polyak").toString();
    Map<String, byte[]> before = snapshot(run);

    Path file = Files.writeString(work.resolve("notes.txt"), "keep me");
    assertRefused(
        cli("predict", "--conf", conf, "-m", model, "-o", file.toString()),
        file.toString(),
        "--overwrite");
    assertEquals("keep me", Files.readString(file));

    assertRefused(
        cli("predict", "--conf", conf, "-m", model, "-o", run.toString()),
        run.toString(),
        "--overwrite");
    assertUnchanged(before, run);
    // even when asked: the output holds the model (and its checkpoints) being read
    assertRefused(
        cli("predict", "--conf", conf, "-m", model, "-o", run.toString(), "--overwrite"), model);
    assertUnchanged(before, run);
    assertRefused(
        cli(
            "predict",
            "--conf",
            conf,
            "-m",
            model,
            "-o",
            run.resolve("checkpoints").toString(),
            "--overwrite"),
        "checkpoints");
    assertUnchanged(before, run);

    Path other = Files.createDirectories(work.resolve("old-predictions"));
    Files.writeString(other.resolve("stale.csv"), "x");
    assertRefused(
        cli("predict", "--conf", conf, "-m", model, "-o", other.toString()), other.toString());
    assertTrue(Files.exists(other.resolve("stale.csv")));
    assertOk(
        cli(
            "predict",
            "--conf",
            conf,
            "-m",
            model,
            "-o",
            other.toString(),
            "--overwrite",
            "--output-format",
            "csv"));
    assertFalse(Files.exists(other.resolve("stale.csv")));
    assertOk(cli("predict", "--conf", conf, "-m", model, "-o", work.resolve("fresh").toString()));
    assertUnchanged(before, run);
  }

  /** Issue 10 item 2: a second run into a used output.dir is refused, naming both ways out. */
  @Test
  void secondRunIntoAUsedOutputDirIsRefused() throws IOException {
    Path run = work.resolve("used");
    assertOk(train(run));
    Map<String, byte[]> before = snapshot(run);
    assertRefused(
        train(run, "training.max_iterations=3"), run.toString(), "--resume", "--overwrite");
    assertUnchanged(before, run);

    // asked to: the shorter run replaces the first, and no checkpoint of the first one is left to
    // resume
    assertOk(train(run, "training.max_iterations=3", "--overwrite"));
    assertTrue(Files.exists(run.resolve("model.polyak")));
    try (Stream<Path> ckpts = Files.list(run.resolve("checkpoints"))) {
      assertEquals(
          java.util.List.of("ckpt-000000000003.polyak"),
          ckpts
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.endsWith(".crc"))
              .sorted()
              .toList());
    }
    Result resumed =
        cli(
            "train",
            "--resume",
            run.resolve("checkpoints").toString(),
            "training.max_iterations=6");
    assertOk(resumed);
    assertTrue(resumed.out().contains("at iteration 3"), resumed::toString);
    // every metrics line says which run wrote it, and there is one run
    long runs =
        Files.readAllLines(run.resolve("metrics.jsonl")).stream()
            .map(l -> l.replaceAll(".*\"run_id\":\"([^\"]+)\".*", "$1"))
            .distinct()
            .count();
    assertEquals(1, runs);
    assertTrue(Files.readString(run.resolve("metrics.jsonl")).contains("\"run_id\":\""));
  }

  /** Issue 10 item 3: resuming a copy of a checkpoint directory writes next to the copy. */
  @Test
  void resumeFromACopyWritesNextToTheCopy() throws IOException {
    Path run = work.resolve("original");
    assertOk(train(run, "training.max_iterations=3"));
    Path copy = Files.createDirectories(work.resolve("copy/checkpoints"));
    Files.copy(
        run.resolve("checkpoints/ckpt-000000000003.polyak"),
        copy.resolve("ckpt-000000000003.polyak"));
    Map<String, byte[]> before = snapshot(run);

    assertOk(cli("train", "--resume", copy.toString(), "training.max_iterations=6"));
    assertUnchanged(before, run);
    assertTrue(Files.exists(work.resolve("copy/model.polyak")));
    assertTrue(Files.exists(work.resolve("copy/metrics.jsonl")));
    assertTrue(Files.exists(copy.resolve("ckpt-000000000006.polyak")));

    assertRefused(
        cli("train", "--resume", work.resolve("nowhere").toString()), "nowhere", "does not exist");
  }

  /**
   * Issue 10 item 4: a diverging run started in a good run's directory leaves its checkpoints
   * alone.
   */
  @Test
  void divergingRunInAGoodRunsDirectoryLeavesItAlone() throws IOException {
    Path run = work.resolve("good");
    String raw = "data.train.paths=[\"" + data.resolve("raw.csv") + "\"]";
    assertOk(
        train(
            run,
            raw,
            "data.scaling=none",
            "optimizer.name=sgd",
            "learning_rate.initial=0.01",
            "training.max_iterations=1",
            "checkpoint.every=1"));
    Map<String, byte[]> before = snapshot(run);
    // would write its own checkpoint 1 over the good one, then overflow at iteration 2
    Result bad =
        train(
            run,
            raw,
            "data.scaling=none",
            "optimizer.name=sgd",
            "learning_rate.initial=1e300",
            "training.max_iterations=3",
            "checkpoint.every=1");
    assertEquals(2, bad.code(), bad::toString);
    assertUnchanged(before, run);
  }

  /**
   * Issue 10 item 6: overrides that change what the saved step count means are refused on resume.
   */
  @Test
  void resumeRefusesOverridesThatChangeTheSavedState() throws IOException {
    Path run = work.resolve("r6");
    assertOk(train(run, "training.max_iterations=3"));
    String ckpts = run.resolve("checkpoints").toString();
    Map<String, byte[]> before = snapshot(run);
    assertRefused(cli("train", "--resume", ckpts, "training.batch_size=25"), "training.batch_size");
    assertRefused(cli("train", "--resume", ckpts, "optimizer.name=sgd"), "optimizer.name");
    assertUnchanged(before, run);
    // the stored value again, and the allowed keys, are fine
    Result ok =
        cli(
            "train",
            "--resume",
            ckpts,
            "training.batch_size=50",
            "training.max_iterations=0",
            "training.epochs=1",
            "evaluation.every=2",
            "checkpoint.keep=3");
    assertOk(ok);
    assertTrue(ok.out().contains("at iteration 3"), ok::toString);
  }

  /**
   * Issue 10 item 2, the default output.dir (runs/latest): each run gets runs/&lt;run-id&gt;/ and
   * latest becomes a link to the newest, so the same command twice just works; a real directory
   * named latest (left by an older polyak) is left as it is.
   */
  @Test
  void defaultLatestTwiceJustWorks() throws IOException {
    Path latest = work.resolve("runs/latest");
    assertOk(train(latest, "training.max_iterations=3"));
    assertTrue(Files.isSymbolicLink(latest));
    Path first = latest.toRealPath();
    Map<String, byte[]> firstFiles = snapshot(first);
    assertOk(train(latest, "training.max_iterations=3"));
    Path second = latest.toRealPath();
    assertFalse(first.equals(second));
    assertEquals(work.resolve("runs").toRealPath(), second.getParent());
    assertUnchanged(firstFiles, first);
    String runId = second.getFileName().toString();
    assertTrue(runId.matches("\\d{8}-\\d{6}-[0-9a-f]{6}"), runId);
    assertEquals(
        runId, polyak.io.ModelFile.load(latest.resolve("model.polyak")).provenance().get("run_id"));
    assertOk(
        cli(
            "train",
            "--resume",
            latest.resolve("checkpoints").toString(),
            "training.max_iterations=6"));
    assertTrue(Files.exists(second.resolve("checkpoints/ckpt-000000000006.polyak")));

    Path old = Files.createDirectories(work.resolve("old/latest"));
    Files.writeString(old.resolve("model.polyak"), "an older polyak's model");
    Result r = train(old, "training.max_iterations=3");
    assertOk(r);
    assertTrue(r.out().contains("left as it is"), r::toString);
    assertEquals("an older polyak's model", Files.readString(old.resolve("model.polyak")));
    try (Stream<Path> runs = Files.list(work.resolve("old"))) {
      assertEquals(2, runs.count());
    }
  }

  /**
   * Issue 11 item 6: provenance in the model and every checkpoint, and `polyak info` prints it all.
   */
  @Test
  void provenanceInModelAndCheckpointsAndInfoPrintsIt() throws IOException {
    Path run = work.resolve("prov");
    assertOk(train(run, "training.max_iterations=3", "spark.aggregation_depth=2"));
    Map<String, String> model = polyak.io.ModelFile.load(run.resolve("model.polyak")).provenance();
    polyak.spark.checkpoint.Checkpoint ckpt =
        new polyak.spark.checkpoint.CheckpointStore(
                run.resolve("checkpoints").toString(),
                new org.apache.hadoop.conf.Configuration(),
                2)
            .latest()
            .orElseThrow();
    Map<String, String> expected =
        Map.of(
            "dense_kernel",
            polyak.nn.kernel.DenseKernels.name(),
            "spark",
            org.apache.spark.package$.MODULE$.SPARK_VERSION(),
            "aggregation_depth",
            "2",
            "polyak.version",
            Version.current(),
            "polyak.commit",
            Version.commit());
    for (Map<String, String> p : java.util.List.of(model, ckpt.provenance())) {
      expected.forEach((k, v) -> assertEquals(v, p.get(k), k));
      assertTrue(p.get("java").contains(System.getProperty("java.runtime.version")), p::toString);
      assertTrue(p.get("os").contains(System.getProperty("os.arch")), p::toString);
      assertTrue(p.get("run_id").matches("\\d{8}-\\d{6}-[0-9a-f]{6}"), p::toString);
    }
    assertEquals(model.get("run_id"), ckpt.runId());

    Result info = cli("info", "--model", run.resolve("model.polyak").toString());
    assertOk(info);
    String out = info.out();
    assertTrue(out.contains("network:      input 8"), out);
    assertTrue(out.contains("dense 6"), out);
    assertTrue(out.contains("parameters:   75 "), out);
    assertTrue(out.contains("preprocessor: "), out);
    for (String key :
        java.util.List.of(
            "run_id",
            "dense_kernel",
            "java",
            "os",
            "spark",
            "aggregation_depth",
            "polyak.version",
            "polyak.commit",
            "iterations")) {
      assertTrue(
          out.contains("\n  " + key + ": " + model.get(key) + "\n"),
          () -> key + " missing: " + out);
    }
    assertTrue(out.contains("training config:\n  {"), out);
    assertTrue(out.contains("\"batch_size\" : 50"), out);
    assertRefused(cli("info", "--model", work.resolve("none.polyak").toString()), "none.polyak");
  }

  /** Issue 10 item 7: resuming under another dense kernel says so in one line naming both. */
  @Test
  void resumeUnderAnotherKernelWarns() throws IOException {
    Path run = work.resolve("k");
    assertOk(train(run, "training.max_iterations=3"));
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    polyak.spark.checkpoint.Checkpoint c =
        new polyak.spark.checkpoint.CheckpointStore(run.resolve("checkpoints").toString(), conf, 2)
            .latest()
            .orElseThrow();
    Map<String, String> other = new java.util.LinkedHashMap<>(c.provenance());
    other.put("dense_kernel", "blas:SomeOtherBLAS");
    Path moved = work.resolve("k2/checkpoints");
    new polyak.spark.checkpoint.CheckpointStore(moved.toString(), conf, 2, c.runId())
        .write(c.step(), other, c.config(), c.partitionRows(), c.state());
    Result r = cli("train", "--resume", moved.toString(), "training.max_iterations=6");
    assertOk(r);
    java.util.List<String> warnings = r.out().lines().filter(l -> l.contains("warning")).toList();
    assertEquals(1, warnings.size(), r::toString);
    assertTrue(
        warnings.get(0).contains("blas:SomeOtherBLAS")
            && warnings.get(0).contains(polyak.nn.kernel.DenseKernels.name()),
        warnings::toString);
    Result same =
        cli(
            "train",
            "--resume",
            run.resolve("checkpoints").toString(),
            "training.max_iterations=6");
    assertOk(same);
    assertFalse(same.out().contains("warning"), same::toString);
  }
}
