package polyak.spark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.spark.SparkTestSession;
import polyak.spark.checkpoint.Checkpoint;
import polyak.spark.checkpoint.CheckpointStore;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.metrics.DataLine;
import polyak.spark.metrics.MetricsFile;
import polyak.spark.metrics.StepLine;
import polyak.train.MinibatchSampler;

/**
 * The train job end to end on small CSV data in local mode: a stopped and resumed run ends
 * bit-identical to an uninterrupted one (also with momentum, Polyak averaging, batch norm and
 * dropout), resuming skips a checkpoint whose write was cut short, divergence stops with the
 * iteration and layer and leaves an earlier model alone, and Spark jobs say which iteration they
 * are.
 */
class TrainJobTest {
  static final int FEATURES = 8;
  static final int CLASSES = 3;

  static SparkSession spark;
  static Configuration hadoop;
  @TempDir static Path data;

  @TempDir Path work;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkTestSession.startKryo("train-job");
    hadoop = spark.sparkContext().hadoopConfiguration();
    SplittableRandom rng = new SplittableRandom(3);
    Files.createDirectories(data.resolve("train"));
    Files.write(data.resolve("train/a.csv"), rows(rng, 230, 1));
    Files.write(data.resolve("train/b.csv"), rows(rng, 271, 1));
    Files.write(data.resolve("test.csv"), rows(rng, 120, 1));
    Files.write(data.resolve("raw.csv"), rows(rng, 300, 255));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * label, then features: the label is the arg max of three fixed linear scores of the features.
   */
  static List<String> rows(SplittableRandom rng, int n, double scale) {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      double[] x = new double[FEATURES];
      double[] score = new double[CLASSES];
      for (int j = 0; j < FEATURES; j++) {
        x[j] = scale == 1 ? rng.nextGaussian() + 0.5 * j : Math.floor(rng.nextDouble() * 256);
        for (int k = 0; k < CLASSES; k++) {
          score[k] += ((j + 2 * k) % 5 - 2) * (x[j] - (scale == 1 ? 0.5 * j : 128));
        }
      }
      int label = 0;
      for (int k = 1; k < CLASSES; k++) {
        label = score[k] > score[label] ? k : label;
      }
      StringBuilder sb = new StringBuilder().append(label);
      for (double v : x) {
        sb.append(',').append(String.format(Locale.ROOT, "%.4f", v));
      }
      out.add(sb.toString());
    }
    return out;
  }

  static final String ADAM =
      """
      network { input = 8, layers = ["dense 12", tanh, "dense 3"], loss = softmax_ce }
      optimizer.name = adam
      learning_rate { schedule = constant, initial = 0.02 }
      """;

  /**
   * State beyond θ: momentum velocity, an EMA of the iterates, batch-norm running statistics,
   * dropout masks.
   */
  static final String MOMENTUM_EMA_BATCHNORM =
      """
      network {
        input = 8
        layers = ["dense 16", batchnorm, relu, "dropout 0.8", "dense 8", "leaky_relu 0.1", "dense 3"]
        loss = "softmax_ce smoothing=0.1"
      }
      optimizer { name = momentum, momentum = 0.9 }
      learning_rate { schedule = step, initial = 0.05, factor = 0.5, step_epochs = 1 }
      averaging { kind = ema, start = 3, decay = 0.8 }
      regularization.l2 = 1e-3
      clipping.norm = 5
      """;

  static String config(Path out, String variant) {
    return """
        data {
          format = csv
          classes = 3
          train.paths = ["%s"]
          test.paths = ["%s"]
          scaling = standardize
          partitions = 2
        }
        training { seed = 11, batch_size = 48, epochs = 50, max_iterations = 20 }
        evaluation.every = 10
        checkpoint { every = 5, keep = 2 }
        output.dir = "%s"
        """
            .formatted(data.resolve("train"), data.resolve("test.csv"), out)
        + variant;
  }

  PolyakConfig load(String name, String variant, String... overrides) throws IOException {
    return load(work, name, variant, overrides);
  }

  static PolyakConfig load(Path dir, String name, String variant, String... overrides)
      throws IOException {
    Path file = Files.writeString(dir.resolve(name + ".conf"), config(dir.resolve(name), variant));
    return ConfigLoader.load(file.toFile(), List.of(overrides));
  }

  /** Uninterrupted runs by variant, shared by the tests (in the class's directory). */
  static final Map<String, TrainJob.Outcome> BASELINES = new ConcurrentHashMap<>();

  static TrainJob.Outcome run(PolyakConfig config, String resumeDir, String... overrides)
      throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      return TrainJob.run(spark, config, resumeDir, List.of(overrides), out, false);
    }
  }

  /** Run A: 20 iterations without a stop, in {@code <data>/a<n>}. */
  static synchronized TrainJob.Outcome uninterrupted(String variant) throws IOException {
    TrainJob.Outcome a = BASELINES.get(variant);
    if (a == null) {
      a = run(load(data, "a" + BASELINES.size(), variant), null);
      BASELINES.put(variant, a);
    }
    return a;
  }

  static String checkpointsOf(TrainJob.Outcome o) {
    return Path.of(o.modelPath()).resolveSibling("checkpoints").toString();
  }

  static SavedModel model(String path) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      return ModelFile.read(in, path);
    }
  }

  static Checkpoint checkpoint(String dir, long step) throws IOException {
    return new CheckpointStore(dir, hadoop, 1)
        .read(dir + String.format("/ckpt-%012d.polyak", step));
  }

  static void assertSameEnd(TrainJob.Outcome a, TrainJob.Outcome b, String aDir, String bDir)
      throws IOException {
    assertEquals(20, a.result().state().step());
    assertEquals(20, b.result().state().step());
    assertArrayEquals(a.result().state().parameters(), b.result().state().parameters(), 0.0);
    assertArrayEquals(a.result().parameters(), b.result().parameters(), 0.0);
    assertArrayEquals(a.result().state().normState(), b.result().state().normState(), 0.0);
    SavedModel ma = model(a.modelPath());
    SavedModel mb = model(b.modelPath());
    assertArrayEquals(ma.params(), mb.params(), 0.0);
    assertArrayEquals(ma.state(), mb.state(), 0.0);
    assertArrayEquals(a.result().parameters(), mb.params(), 0.0);
    // everything needed to continue further (optimizer and average state too) is the same, bit for
    // bit
    assertArrayEquals(checkpoint(aDir, 20).state(), checkpoint(bDir, 20).state());
    assertEquals(a.testAccuracy(), b.testAccuracy(), 0.0);
  }

  /** The step lines of metrics.jsonl: step → loss, failing on a duplicate. */
  static Map<Long, Double> stepLosses(Path metrics) throws IOException {
    Map<Long, Double> out = new TreeMap<>();
    for (StepLine line : MetricsFile.read(metrics.getParent().toString(), hadoop).steps()) {
      Double previous = out.put(line.step(), line.loss());
      assertEquals(null, previous, () -> "duplicate step line: " + line);
    }
    return out;
  }

  /** Descriptions of the Spark jobs {@code body} starts, in order. */
  static List<String> jobDescriptions(IoAction body) throws Exception {
    List<String> descriptions = Collections.synchronizedList(new ArrayList<>());
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            String d =
                start.properties() == null
                    ? null
                    : start.properties().getProperty("spark.job.description");
            descriptions.add(d == null ? "(none)" : d);
          }
        };
    spark.sparkContext().addSparkListener(listener);
    try {
      body.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    return new ArrayList<>(descriptions);
  }

  interface IoAction {
    void run() throws IOException;
  }

  void stopAndResumeEqualsUninterrupted(String variant) throws Exception {
    TrainJob.Outcome a = uninterrupted(variant);
    PolyakConfig b10 = load("b", variant, "training.max_iterations=10");
    TrainJob.Outcome stopped = run(b10, null);
    assertEquals(10, stopped.result().state().step());
    String ckpts = work.resolve("b/checkpoints").toString();
    Checkpoint at10 = new CheckpointStore(ckpts, hadoop, 2).latest().orElseThrow();
    assertEquals(10, at10.step());

    TrainJob.Outcome[] resumed = new TrainJob.Outcome[1];
    List<String> jobs =
        jobDescriptions(() -> resumed[0] = run(null, ckpts, "training.max_iterations=20"));
    TrainJob.Outcome b = resumed[0];
    assertEquals(10, b.resumedFrom());

    // every iteration's job says "polyak iteration N / epoch E", counting on from the checkpoint
    long perEpoch = new MinibatchSampler(11, at10.partitionRows(), 48).iterationsPerEpoch();
    assertEquals(10, perEpoch);
    Pattern p = Pattern.compile("polyak iteration (\\d+) / epoch (\\d+)");
    List<Long> iterations = new ArrayList<>();
    for (String d : jobs) {
      Matcher m = p.matcher(d);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        assertEquals((n - 1) / perEpoch + 1, Long.parseLong(m.group(2)), d);
        iterations.add(n);
      }
    }
    assertEquals(
        Stream.iterate(11L, i -> i + 1).limit(10).collect(Collectors.toList()),
        iterations,
        jobs::toString);

    assertSameEnd(a, b, checkpointsOf(a), ckpts);

    Map<Long, Double> steps = stepLosses(work.resolve("b/metrics.jsonl"));
    assertEquals(
        Stream.iterate(1L, i -> i + 1).limit(20).collect(Collectors.toList()),
        new ArrayList<>(steps.keySet()));
    assertEquals(stepLosses(Path.of(a.modelPath()).resolveSibling("metrics.jsonl")), steps);
  }

  @Test
  void aRunsMetricsStartWithItsCachedTrainingDataAllInMemory() throws IOException {
    TrainJob.Outcome a = uninterrupted(ADAM);
    MetricsFile m = MetricsFile.read(Path.of(a.modelPath()).getParent().toString(), hadoop);
    assertEquals(1, m.data().size(), "one data line: " + m.data());
    DataLine d = m.data().get(0);
    assertEquals(0, d.step());
    assertEquals(d.partitions(), d.cachedPartitions());
    assertTrue(d.memoryBytes() > 0 && d.diskBytes() == 0, d.toString());
    assertEquals(1.0, d.inMemory());
  }

  @Test
  void resumedRunIsBitIdenticalToUninterrupted() throws Exception {
    stopAndResumeEqualsUninterrupted(ADAM);
  }

  @Test
  void resumedRunIsBitIdenticalWithMomentumAveragingBatchNormAndDropout() throws Exception {
    stopAndResumeEqualsUninterrupted(MOMENTUM_EMA_BATCHNORM);
    // the average is what is exported, not the raw iterate
    TrainJob.Outcome a = uninterrupted(MOMENTUM_EMA_BATCHNORM);
    assertFalse(Arrays.equals(a.result().parameters(), a.result().state().parameters()));
  }

  /** Each task splits its share over two threads (batch norm over each thread's slice). */
  @Test
  void resumedRunIsBitIdenticalWithTwoThreadsPerTask() throws Exception {
    stopAndResumeEqualsUninterrupted(MOMENTUM_EMA_BATCHNORM + "spark.threads_per_task = 2\n");
  }

  /**
   * By default (spark.threads_per_task = 0, data.partitions = 0) local[2] runs one task of two
   * threads; set partitions keep one thread per task. The compute line says which.
   */
  @Test
  void defaultLayoutOnLocalTwoIsOneTaskOfTwoThreadsAndSaysSo() throws IOException {
    String auto = console(load("auto", ADAM, "data.partitions=0", "training.max_iterations=3"));
    assertTrue(auto.contains("; 1 partitions;"), auto);
    assertTrue(
        auto.contains(
            "compute: float32 (float64 master parameters), one task per partition (1), 2 threads"
                + " per task;"),
        auto);
    String set =
        console(
            load(
                "set",
                ADAM,
                "data.partitions=2",
                "training.max_iterations=3",
                "training.precision=float64"));
    assertTrue(
        set.contains("compute: float64, one task per partition (2), 1 thread per task;"), set);
    assertTrue(set.contains("in 2 partitions, standardizer (8 features)\n"), set); // not float32
    // spark.aggregation = auto: direct on a local master, and the line says so
    assertTrue(set.contains("; aggregation direct"), set);
    String sharded =
        console(
            load(
                "sharded",
                ADAM,
                "data.partitions=2",
                "training.max_iterations=3",
                "spark.aggregation=sharded"));
    assertTrue(sharded.contains("; aggregation sharded (2 slices)"), sharded);
  }

  /**
   * spark.local_steps = 4: a quarter of the iterations per epoch (rounded up: the last round runs
   * the remaining minibatches), and the startup says so.
   */
  @Test
  void fourLocalStepsTrainWithAQuarterOfTheIterationsPerEpochAndSaySo() throws IOException {
    String sync = console(load("sync", ADAM, "data.partitions=2", "training.max_iterations=3"));
    String local =
        console(
            load(
                "local-steps",
                ADAM,
                "data.partitions=2",
                "training.max_iterations=3",
                "spark.local_steps=4",
                "spark.local_rate=0.05"));
    assertTrue(local.contains("local steps: 4 SGD steps of rate 0.05 per executor between"), local);
    java.util.regex.Pattern perEpoch = java.util.regex.Pattern.compile("\\((\\d+) per epoch\\)");
    java.util.regex.Matcher s = perEpoch.matcher(sync);
    java.util.regex.Matcher l = perEpoch.matcher(local);
    assertTrue(s.find() && l.find(), sync + local);
    assertEquals((Long.parseLong(s.group(1)) + 3) / 4, Long.parseLong(l.group(1)));
  }

  /**
   * spark.long_lived_tasks = true through TrainJob: the same parameters, model, checkpoints and
   * validation as the per-iteration jobs, with one Spark job for all the gradients (none per
   * iteration) and validation on the driver; the startup says so.
   */
  @Test
  void longLivedTasksEndAtTheSameBitsWithOneGradientJob() throws Exception {
    TrainJob.Outcome a = uninterrupted(ADAM);
    PolyakConfig config = load("long-lived", ADAM, "spark.long_lived_tasks=true");
    TrainJob.Outcome[] b = new TrainJob.Outcome[1];
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    // job descriptions stick to the thread: label this run's own jobs until TrainJob labels them
    spark.sparkContext().setJobDescription("long-lived test run");
    List<String> jobs =
        jobDescriptions(
            () -> {
              try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
                b[0] = TrainJob.run(spark, config, null, List.of(), out, false);
              }
            });
    assertSameEnd(a, b[0], checkpointsOf(a), checkpointsOf(b[0]));
    assertEquals(a.result().evaluations(), b[0].result().evaluations());
    spark.sparkContext().setJobDescription(null);
    // loading the data, the validation blocks to the driver once, then the gradient tasks' job as
    // the last one: no job per iteration, and validation (steps 10 and 20) needed none
    assertEquals(
        List.of(
            "polyak validation data to the driver (long-lived tasks)",
            "polyak long-lived gradient tasks (2 partitions)"),
        jobs.subList(jobs.size() - 2, jobs.size()),
        jobs::toString);
    assertTrue(
        jobs.subList(0, jobs.size() - 2).stream().allMatch(d -> d.equals("long-lived test run")),
        jobs::toString);
    assertTrue(
        console.toString(StandardCharsets.UTF_8).contains("long-lived tasks: one barrier job"),
        console::toString);
  }

  /**
   * Long-lived tasks stopped after 10 iterations and resumed from the checkpoint (a new barrier
   * job) end where the uninterrupted per-iteration run ends.
   */
  @Test
  void longLivedTasksStoppedAndResumedEqualTheUninterruptedRun() throws Exception {
    TrainJob.Outcome a = uninterrupted(ADAM);
    TrainJob.Outcome stopped =
        run(
            load(
                "long-lived-stopped",
                ADAM,
                "spark.long_lived_tasks=true",
                "training.max_iterations=10"),
            null);
    assertEquals(10, stopped.result().state().step());
    String ckpts = work.resolve("long-lived-stopped/checkpoints").toString();
    TrainJob.Outcome b = run(null, ckpts, "training.max_iterations=20");
    assertEquals(10, b.resumedFrom());
    assertSameEnd(a, b, checkpointsOf(a), ckpts);
  }

  static String console(PolyakConfig c) throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      TrainJob.run(spark, c, null, List.of(), out, false);
    }
    return console.toString(StandardCharsets.UTF_8);
  }

  /**
   * Early stopping keeps the best parameters across evaluations: a resumed run must know them too.
   */
  static final String ADAM_EARLY_STOPPING =
      ADAM
          + """
      learning_rate.initial = 0.1
      evaluation { every = 5, patience = 3 }
      """;

  @Test
  void resumedRunIsBitIdenticalWithEarlyStopping() throws Exception {
    stopAndResumeEqualsUninterrupted(ADAM_EARLY_STOPPING);
    // validation accuracy peaks at iteration 10 (0.9417), before the stop; 15 is worse, 20 only
    // ties:
    // the exported parameters are those of iteration 10, not the last ones
    TrainJob.Outcome a = uninterrupted(ADAM_EARLY_STOPPING);
    assertEquals(
        List.of(0.9, 0.9417, 0.925, 0.9417),
        a.result().evaluations().stream()
            .map(e -> Math.round(e.accuracy() * 1e4) / 1e4)
            .collect(Collectors.toList()));
    assertFalse(Arrays.equals(a.result().parameters(), a.result().state().parameters()));

    // as after a crash: from the uninterrupted run's own checkpoint at 15, also a validated step
    Path g = Files.createDirectories(work.resolve("g/checkpoints"));
    Files.copy(
        Path.of(checkpointsOf(a), "ckpt-000000000015.polyak"),
        g.resolve("ckpt-000000000015.polyak"));
    TrainJob.Outcome fromCrash =
        run(null, g.toString(), "output.dir=\"" + work.resolve("g") + "\"");
    assertEquals(15, fromCrash.resumedFrom());
    assertSameEnd(a, fromCrash, checkpointsOf(a), g.toString());
  }

  @Test
  void resumeSkipsACheckpointWhoseWriteWasCutShort() throws IOException {
    TrainJob.Outcome a = uninterrupted(MOMENTUM_EMA_BATCHNORM);
    byte[] step20 = Files.readAllBytes(Path.of(checkpointsOf(a), "ckpt-000000000020.polyak"));
    run(load("c", MOMENTUM_EMA_BATCHNORM, "training.max_iterations=10"), null);
    Path ckpts = work.resolve("c/checkpoints");
    CheckpointStore store = new CheckpointStore(ckpts.toString(), hadoop, 2);

    // killed while writing step 20: half a temporary file
    Files.write(
        ckpts.resolve("ckpt-000000000020.polyak.tmp"), Arrays.copyOf(step20, step20.length / 2));
    assertEquals(10, store.latest().orElseThrow().step());
    // a final name with a truncated body (a file system without atomic rename), then a corrupted
    // one
    Files.write(
        ckpts.resolve("ckpt-000000000020.polyak"), Arrays.copyOf(step20, step20.length - 100));
    assertEquals(10, store.latest().orElseThrow().step());
    byte[] flipped = step20.clone();
    flipped[step20.length / 3] ^= 1;
    Files.write(ckpts.resolve("ckpt-000000000020.polyak"), flipped);
    assertEquals(10, store.latest().orElseThrow().step());

    TrainJob.Outcome c = run(null, ckpts.toString(), "training.max_iterations=20");
    assertEquals(10, c.resumedFrom());
    assertSameEnd(a, c, checkpointsOf(a), ckpts.toString());
    try (Stream<Path> files = Files.list(ckpts)) {
      assertEquals(
          List.of("ckpt-000000000015.polyak", "ckpt-000000000020.polyak"),
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.endsWith(".crc"))
              .sorted()
              .collect(Collectors.toList()));
    }
  }

  /**
   * Evaluate and predict on the saved model, with every Kryo class registered
   * (registrationRequired).
   */
  @Test
  void evaluateAndPredictTheSavedModel() throws IOException {
    TrainJob.Outcome a = uninterrupted(ADAM);
    PolyakConfig config = load("f", ADAM);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    EvaluationCounts counts;
    try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      counts = EvaluateJob.run(spark, config, a.modelPath(), out);
    }
    assertEquals(120, counts.count());
    assertEquals(a.testAccuracy(), counts.accuracy(), 0.0);
    assertEquals(a.result().lastEvaluation().loss(), counts.meanLoss(), 1e-12);
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("true\\pred"), console::toString);

    Path predictions = work.resolve("predictions");
    try (PrintStream out =
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
      assertEquals(
          120, PredictJob.run(spark, config, a.modelPath(), predictions.toString(), "csv", out));
    }
    List<String> rows = new ArrayList<>();
    try (Stream<Path> parts = Files.list(predictions)) {
      for (Path part :
          parts
              .filter(p -> p.getFileName().toString().startsWith("part-"))
              .sorted()
              .collect(Collectors.toList())) {
        List<String> lines = Files.readAllLines(part);
        assertEquals("id,label,prediction,p0,p1,p2", lines.get(0));
        rows.addAll(lines.subList(1, lines.size()));
      }
    }
    assertEquals(120, rows.size());
    long correct = rows.stream().map(r -> r.split(",")).filter(c -> c[1].equals(c[2])).count();
    assertEquals(counts.correct(), correct);
  }

  /**
   * evaluate and predict build the executors' networks with the dense kernel the driver names, not
   * the one the executor JVM would choose: a kernel no JVM has fails on the executors, saying so,
   * and with EJML forced the predictions are, bit for bit, those of an EJML network in this JVM.
   */
  @Test
  void evaluateAndPredictRunTheDriversDenseKernelOnExecutors() throws IOException {
    TrainJob.Outcome a = uninterrupted(ADAM);
    PolyakConfig config = load("kernel", ADAM);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    String missing = "blas:NoSuchBLAS";
    Path unused = work.resolve("kernel-unused");
    for (IoAction job :
        List.<IoAction>of(
            () -> EvaluateJob.run(spark, config, a.modelPath(), 0.0, quiet, missing),
            () ->
                PredictJob.run(
                    spark,
                    config,
                    a.modelPath(),
                    unused.toString(),
                    "parquet",
                    false,
                    quiet,
                    missing))) {
      Exception e = assertThrows(Exception.class, job::run);
      StringBuilder chain = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        chain.append(t.getMessage()).append('\n');
      }
      assertTrue(
          chain.toString().contains("cannot run the dense kernel '" + missing + "'"),
          chain::toString);
    }

    Path predictions = work.resolve("kernel-predictions");
    PredictJob.run(
        spark, config, a.modelPath(), predictions.toString(), "parquet", false, quiet, "ejml");
    Map<Long, double[]> executors = new TreeMap<>();
    for (org.apache.spark.sql.Row r :
        spark.read().parquet(predictions.toString()).collectAsList()) {
      executors.put(r.getLong(0), new double[] {r.getDouble(3), r.getDouble(4), r.getDouble(5)});
    }
    SavedModel model = model(a.modelPath());
    polyak.nn.Network ejml =
        polyak.nn.Network.build(model.spec(), polyak.nn.kernel.DenseKernels.named("ejml"));
    polyak.spark.data.LoadedData test =
        polyak.spark.data.TrainingData.load(spark, config.test(), 2)
            .preprocessed(model.preprocessor().get());
    Map<Long, double[]> local = new TreeMap<>();
    for (polyak.data.Dataset block : test.blocks().collect()) {
      polyak.nn.Inference.run(
          ejml,
          model.params(),
          model.state(),
          block,
          false,
          (d, from, n, y) -> {
            for (int i = 0; i < n; i++) {
              local.put(
                  d.baseId() + from + i, Arrays.copyOfRange(y, i * CLASSES, (i + 1) * CLASSES));
            }
          });
    }
    assertEquals(120, local.size());
    assertEquals(local.keySet(), executors.keySet());
    local.forEach((id, p) -> assertArrayEquals(p, executors.get(id), 0.0, "row " + id));
  }

  @Test
  void resumeWithoutAWholeCheckpointFails() throws IOException {
    Path empty = Files.createDirectories(work.resolve("none"));
    Files.write(empty.resolve("ckpt-000000000010.polyak"), new byte[10]);
    IOException e = assertThrows(IOException.class, () -> run(null, empty.toString()));
    assertTrue(e.getMessage().contains("no whole checkpoint"), e.getMessage());
  }

  /**
   * A huge rate on unscaled features: the first update overflows θ. The run stops naming the
   * iteration and the first non-finite segment, and leaves the earlier run's model and checkpoints
   * as they were — also when the overflowing step is the last one (it used to be checkpointed) or a
   * checkpoint step.
   */
  @Test
  void divergenceNamesIterationAndLayerAndKeepsTheEarlierModel() throws IOException {
    String variant =
        """
        network { input = 8, layers = ["dense 6", relu, "dense 3"], loss = softmax_ce }
        optimizer.name = sgd
        learning_rate { schedule = constant, initial = 0.01 }
        """;
    String raw = "data.train.paths=[\"" + data.resolve("raw.csv") + "\"]";
    TrainJob.Outcome good =
        run(load("d", variant, raw, "data.scaling=none", "training.max_iterations=5"), null);
    Path out = work.resolve("d");
    byte[] model = Files.readAllBytes(Path.of(good.modelPath()));
    Map<String, byte[]> checkpoints = contents(out.resolve("checkpoints"));
    assertTrue(checkpoints.containsKey("ckpt-000000000005.polyak"), checkpoints.keySet()::toString);

    // 1e308: the first update overflows θ, in the last iteration of the run; 1e300: θ stays finite,
    // the
    // next forward pass overflows (non-finite loss and gradient)
    for (String[] c : new String[][] {{"1e308", "1", "1"}, {"1e300", "20", "2"}}) {
      // into the good run's directory: refused unless asked to replace it (--overwrite); asked, it
      // fails
      PolyakConfig bad =
          load(
              "d",
              variant,
              raw,
              "data.scaling=none",
              "learning_rate.initial=" + c[0],
              "training.max_iterations=" + c[1],
              "checkpoint.every=100");
      assertThrows(IllegalArgumentException.class, () -> run(bad, null));
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  TrainJob.run(
                      spark,
                      bad,
                      null,
                      List.of(),
                      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                      false,
                      null,
                      null,
                      true));
      String m = e.getMessage();
      assertTrue(m.startsWith("training diverged: iteration " + c[2] + ": "), m);
      assertTrue(
          m.matches(".*not finite, first at layer \\d+ \\w+ \\(segment '[\\w.]+'\\) index \\d+.*"),
          m);
      assertArrayEquals(model, Files.readAllBytes(Path.of(good.modelPath())));
      Map<String, byte[]> now = contents(out.resolve("checkpoints"));
      assertEquals(checkpoints.keySet(), now.keySet());
      checkpoints.forEach((k, v) -> assertArrayEquals(v, now.get(k), k));
    }
  }

  static Map<String, byte[]> contents(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.collect(Collectors.toList())) {
        out.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }
}
