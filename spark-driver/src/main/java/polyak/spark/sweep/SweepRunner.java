package polyak.spark.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import polyak.optim.CollapseException;
import polyak.spark.checkpoint.Checkpoint;
import polyak.spark.checkpoint.CheckpointStore;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.io.AtomicWrite;
import polyak.spark.metrics.EvalLine;
import polyak.spark.run.PreparedData;
import polyak.spark.run.TrainJob;
import polyak.train.TrainingConfig;

/**
 * Runs a sweep's trials one after another in one Spark application. Data is loaded and cached once
 * per distinct data config and shared by the trials. Each trial writes metrics, checkpoints and its
 * model to {@code <output>/trials/<id>/} and, when it ends, {@code trial.json}; a row goes to
 * {@code results.jsonl} and {@code results.csv} as each trial finishes.
 *
 * <p>Re-running into the same output is idempotent: trials with a final status (done, failed,
 * collapsed) are skipped; a trial that was interrupted or capped resumes from its newest
 * checkpoint. A trial that fails (divergence, a bad value) is recorded with its error and the sweep
 * goes on. Trials whose effective training setup is identical to an earlier one (every scaling rule
 * at the reference batch, for instance) are not run again: their row points to the first with
 * {@code same_as}.
 */
public final class SweepRunner {
  /**
   * Test and embedding hooks: see which trials start, and stop or interrupt a trial between
   * iterations.
   */
  public interface Hooks {
    default void trialStarting(Trial trial, boolean resuming) {}

    default TrainJob.StepControl control(Trial trial) {
      return null;
    }

    Hooks NONE = new Hooks() {};
  }

  private final SparkSession spark;
  private final SweepSpec spec;
  private final List<String> baseOverrides;
  private final String output;
  private final PrintStream console;
  private final Hooks hooks;
  private final Configuration hadoop;
  private final Map<String, PreparedData> dataCache = new LinkedHashMap<>();
  private final Map<String, String> setups = new HashMap<>();
  private final Map<String, TrialResult> results = new LinkedHashMap<>();

  public SweepRunner(
      SparkSession spark,
      SweepSpec spec,
      List<String> baseOverrides,
      String output,
      PrintStream console,
      Hooks hooks) {
    this.spark = spark;
    this.spec = spec;
    this.baseOverrides = List.copyOf(baseOverrides);
    this.output = output;
    this.console = console;
    this.hooks = hooks == null ? Hooks.NONE : hooks;
    this.hadoop = spark.sparkContext().hadoopConfiguration();
  }

  /**
   * Runs (or skips, or resumes) every trial, then the refine stage if any; returns the last row per
   * trial.
   */
  public List<TrialResult> run() throws IOException {
    try {
      List<Trial> first = SweepPlan.firstStage(spec);
      runAll(first, "stage 1");
      List<SweepPlan.Scored> scored = new ArrayList<>();
      for (Trial t : first) {
        TrialResult r = results.get(t.id());
        scored.add(
            new SweepPlan.Scored(
                t, r == null || r.status() != TrialStatus.DONE ? Double.NaN : r.bestAccuracy()));
      }
      List<Trial> refine = SweepPlan.refine(spec, scored);
      if (!refine.isEmpty()) {
        runAll(refine, "refine");
      }
      return new ArrayList<>(results.values());
    } finally {
      for (PreparedData d : dataCache.values()) {
        d.train().unpersist();
        if (d.test() != null) {
          d.test().unpersist();
        }
      }
      dataCache.clear();
    }
  }

  private void runAll(List<Trial> trials, String label) throws IOException {
    for (int i = 0; i < trials.size(); i++) {
      Trial t = trials.get(i);
      console.printf(
          "%n[%s %d/%d] trial %s%n    %s%n", label, i + 1, trials.size(), t.id(), t.describe());
      TrialResult r = runTrial(t);
      results.put(t.id(), r);
      console.printf("    -> %s%s%n", r.status(), summary(r));
    }
  }

  private static String summary(TrialResult r) {
    StringBuilder sb = new StringBuilder();
    if (Double.isFinite(r.finalAccuracy())) {
      sb.append(
          String.format(
              Locale.ROOT,
              ": val acc %.4f (best %.4f), %.1f epochs, %.0f ex/s",
              r.finalAccuracy(),
              r.bestAccuracy(),
              r.epochs(),
              r.examplesPerSecond()));
    }
    if (r.sameAs() != null) {
      sb.append(" (same setup as ").append(r.sameAs()).append(")");
    }
    if (r.error() != null) {
      sb.append(": ").append(r.error());
    }
    return sb.toString();
  }

  String trialDir(Trial t) {
    return output + "/trials/" + t.id();
  }

  private TrialResult runTrial(Trial t) throws IOException {
    String dir = trialDir(t);
    Optional<TrialResult> previous = readStatus(dir);
    if (previous.isPresent() && previous.get().finished()) {
      console.println("    already " + previous.get().status() + ": skipped");
      remember(t, previous.get());
      return previous.get();
    }
    long started = System.nanoTime();
    PolyakConfig config;
    PreparedData data;
    try {
      List<String> o = new ArrayList<>(baseOverrides);
      o.addAll(t.configOverrides());
      o.add("output.dir=" + quote(dir));
      o.add("checkpoint.dir=" + quote(dir + "/checkpoints"));
      PolyakConfig draft =
          ConfigLoader.parse(spec.baseConfig(), o, spec.origin() + " [trial " + t.id() + "]");
      data = data(draft);
      long perEpoch = Math.max(1, data.train().rows() / draft.training().batchSize());
      o.addAll(derived(t, draft, perEpoch, spec.checkpointEpochs()));
      config = ConfigLoader.parse(spec.baseConfig(), o, spec.origin() + " [trial " + t.id() + "]");
      if (config.ensemble().active()) {
        throw new IllegalArgumentException(
            "ensemble.members: an ensemble is trained by polyak train, not in a sweep");
      }
    } catch (RuntimeException e) {
      return finish(t, dir, TrialStatus.FAILED, null, started, 0, message(e), 0);
    }
    String setup = setupKey(config);
    String original = setups.get(setup);
    if (original != null
        && !original.equals(t.id())
        && results.containsKey(original)
        && results.get(original).finished()) {
      TrialResult reused = results.get(original).withReuse(t, original);
      writeStatus(dir, reused);
      appendResult(reused);
      return reused;
    }
    setups.putIfAbsent(setup, t.id());

    String resumeDir = null;
    Optional<Checkpoint> latest =
        new CheckpointStore(config.checkpointDir(), hadoop, Integer.MAX_VALUE).latest();
    long resumedFrom = 0;
    if (latest.isPresent()) {
      resumeDir = config.checkpointDir();
      resumedFrom = latest.get().step();
    }
    hooks.trialStarting(t, resumeDir != null);
    TrainJob.StepControl control = control(t);
    try {
      // the trial directory is the sweep's own: a trial started afresh replaces what an earlier
      // attempt left
      TrainJob.run(
          spark,
          resumeDir == null ? config : null,
          resumeDir,
          List.of(),
          console,
          false,
          data,
          control,
          true);
      return finish(
          t,
          dir,
          TrialStatus.DONE,
          config,
          started,
          resumedFrom,
          null,
          config.training().batchSize());
    } catch (TrainJob.Stopped e) {
      return finish(
          t,
          dir,
          TrialStatus.CAPPED,
          config,
          started,
          resumedFrom,
          String.format(
              Locale.ROOT,
              "wall-clock cap of %.4g min per trial reached after iteration %d",
              spec.maxMinutesPerTrial(),
              e.step()),
          config.training().batchSize());
    } catch (Exception e) {
      TrialStatus status =
          e.getCause() instanceof CollapseException ? TrialStatus.COLLAPSED : TrialStatus.FAILED;
      return finish(
          t, dir, status, config, started, resumedFrom, message(e), config.training().batchSize());
    }
  }

  /**
   * Per-trial derived overrides: {@code checkpoint.every} = checkpointEpochs epochs, and the
   * sweep's {@code learning_rate.warmup_epochs} as {@code warmup_iterations}. With rate scaling on,
   * the warmup rises from the reference-batch rate to the scaled rate (Goyal et al.), so where the
   * scale is 1 it is no warmup at all; without scaling it rises from {@code
   * learning_rate.warmup_start}.
   */
  static List<String> derived(Trial t, PolyakConfig draft, long perEpoch, int checkpointEpochs) {
    List<String> o = new ArrayList<>();
    if (checkpointEpochs > 0) {
      o.add("checkpoint.every=" + perEpoch * checkpointEpochs);
    }
    String every = t.overrides().get(SweepSpec.EVALUATE_EPOCHS);
    if (every != null) {
      double epochs = epochs(SweepSpec.EVALUATE_EPOCHS, every);
      if (!(epochs > 0)) {
        throw new polyak.spark.config.ConfigError(
            SweepSpec.EVALUATE_EPOCHS + " must be > 0, got " + every);
      }
      o.add("evaluation.every=" + Math.max(1, Math.round(epochs * perEpoch)));
    }
    String w = t.overrides().get(SweepSpec.WARMUP_EPOCHS);
    if (w != null) {
      double epochs;
      try {
        epochs = Double.parseDouble(w.replace("\"", ""));
      } catch (NumberFormatException e) {
        throw new polyak.spark.config.ConfigError(SweepSpec.WARMUP_EPOCHS + ": not a number: " + w);
      }
      if (!(epochs >= 0)) {
        throw new polyak.spark.config.ConfigError(
            SweepSpec.WARMUP_EPOCHS + " must be >= 0, got " + w);
      }
      TrainingConfig tc = draft.training();
      long iterations = Math.round(epochs * perEpoch);
      if (tc.rateScaling() != TrainingConfig.RateScaling.NONE) {
        double scale = tc.rateScale();
        if (scale == 1.0) {
          iterations = 0;
        } else {
          o.add("learning_rate.warmup_start=" + tc.learningRate().initial() / scale);
        }
      }
      o.add("learning_rate.warmup_iterations=" + iterations);
    }
    return o;
  }

  private static double epochs(String key, String value) {
    try {
      return Double.parseDouble(value.replace("\"", ""));
    } catch (NumberFormatException e) {
      throw new polyak.spark.config.ConfigError(key + ": not a number: " + value);
    }
  }

  /**
   * What decides a trial's run besides where it writes: data, network and training (scaling at
   * scale 1 = none).
   */
  private static String setupKey(PolyakConfig c) {
    TrainingConfig tc = c.training();
    if (tc.rateScale() == 1.0) {
      tc = tc.withRateScaling(TrainingConfig.RateScaling.NONE, 1);
    }
    return c.rendered()
            .replaceAll("\"(output|checkpoint)\"\\s*:\\s*\\{[^}]*\\}", "")
            .replaceAll("\"training\"\\s*:\\s*\\{[^}]*\\}", "")
            .replaceAll("\"learning_rate\"\\s*:\\s*\\{[^}]*\\}", "")
            .replaceAll("\"optimizer\"\\s*:\\s*\\{[^}]*\\}", "")
        + "|"
        + tc
        + "|"
        + c.network();
  }

  private TrainJob.StepControl control(Trial t) {
    TrainJob.StepControl hook = hooks.control(t);
    long deadline =
        spec.maxMinutesPerTrial() > 0
            ? System.nanoTime() + (long) (spec.maxMinutesPerTrial() * 60e9)
            : Long.MAX_VALUE;
    return step -> (hook != null && hook.stopAfter(step)) || System.nanoTime() > deadline;
  }

  private PreparedData data(PolyakConfig c) {
    JsonNode n;
    try {
      n = TrialResult.JSON.readTree(c.rendered()).get("data");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String key = n.toString();
    PreparedData d = dataCache.get(key);
    if (d == null) {
      console.println("    loading data (cached for every trial with the same data config)");
      d = PreparedData.load(spark, c, null);
      dataCache.put(key, d);
    }
    return d;
  }

  private TrialResult finish(
      Trial t,
      String dir,
      TrialStatus status,
      PolyakConfig config,
      long started,
      long resumedFrom,
      String error,
      int batch)
      throws IOException {
    TrialMetrics m = TrialMetrics.read(dir, hadoop);
    int batchSize = batch > 0 ? batch : parseBatch(t);
    double target =
        config == null ? 0 : polyak.spark.config.ProgressConfig.of(config).targetAccuracy();
    EvalLine reached = target > 0 ? m.firstReaching(target) : null;
    long targetStep = reached == null ? 0 : reached.step();
    TrialResult r =
        new TrialResult(
            t.id(),
            t.variant(),
            t.stage(),
            t.overrides(),
            status,
            batchSize,
            m.finalAccuracy(),
            m.bestAccuracy(),
            m.finalLoss(),
            m.finalTrainLoss(),
            m.epochs(),
            m.iterations(),
            (System.nanoTime() - started) / 1e9,
            m.trainSeconds(),
            m.examplesPerSecond(),
            resumedFrom,
            null,
            error,
            target > 0 ? target : Double.NaN,
            targetStep,
            reached == null ? 0 : m.examplesUpTo(targetStep),
            m.noiseScaleAt(targetStep));
    writeStatus(dir, r);
    appendResult(r);
    return r;
  }

  private static int parseBatch(Trial t) {
    String b = t.overrides().get("training.batch_size");
    try {
      return b == null ? 0 : Integer.parseInt(b.replace("\"", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void remember(Trial t, TrialResult r) {
    if (r.sameAs() == null && r.finished()) {
      try {
        List<String> o = new ArrayList<>(baseOverrides);
        o.addAll(t.configOverrides());
        o.add("output.dir=" + quote(trialDir(t)));
        o.add("checkpoint.dir=" + quote(trialDir(t) + "/checkpoints"));
        PolyakConfig draft = ConfigLoader.parse(spec.baseConfig(), o, spec.origin());
        // The rows per epoch are needed for the derived keys; a finished trial's metrics tell them.
        long perEpoch =
            r.iterations() > 0 && r.epochs() > 0 ? Math.round(r.iterations() / r.epochs()) : 1;
        o.addAll(derived(t, draft, perEpoch, spec.checkpointEpochs()));
        setups.putIfAbsent(
            setupKey(ConfigLoader.parse(spec.baseConfig(), o, spec.origin())), t.id());
      } catch (RuntimeException e) {
        // a trial whose config no longer parses cannot be the original of another
      }
    }
  }

  private Optional<TrialResult> readStatus(String dir) throws IOException {
    Path p = new Path(dir, "trial.json");
    FileSystem fs = p.getFileSystem(hadoop);
    if (!fs.exists(p)) {
      return Optional.empty();
    }
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
      return Optional.of(TrialResult.fromJson(r.readLine()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private void writeStatus(String dir, TrialResult r) throws IOException {
    AtomicWrite.write(
        dir + "/trial.json",
        hadoop,
        out -> out.write((r.toJson() + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Appends one row to results.jsonl and results.csv (rewritten whole and renamed: no half rows).
   */
  private void appendResult(TrialResult r) throws IOException {
    append(output + "/results.jsonl", null, r.toJson());
    append(output + "/results.csv", String.join(",", TrialResult.COLUMNS), r.toCsv());
  }

  private void append(String file, String header, String line) throws IOException {
    Path p = new Path(file);
    FileSystem fs = p.getFileSystem(hadoop);
    StringBuilder content = new StringBuilder();
    if (fs.exists(p)) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          content.append(l).append('\n');
        }
      }
    } else if (header != null) {
      content.append(header).append('\n');
    }
    content.append(line).append('\n');
    byte[] bytes = content.toString().getBytes(StandardCharsets.UTF_8);
    AtomicWrite.write(file, hadoop, out -> out.write(bytes));
  }

  /** Reads results.jsonl: the last row of every trial, in first-seen order. */
  public static List<TrialResult> readResults(String output, Configuration conf)
      throws IOException {
    Path p = new Path(output, "results.jsonl");
    FileSystem fs = p.getFileSystem(conf);
    Map<String, TrialResult> rows = new LinkedHashMap<>();
    if (fs.exists(p)) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          if (!l.isBlank()) {
            TrialResult t = TrialResult.fromJson(l);
            rows.put(t.id(), t);
          }
        }
      }
    }
    return new ArrayList<>(rows.values());
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The message a user needs: the original cause's, with Spark's wrappers peeled off. */
  static String message(Throwable e) {
    Throwable t = e;
    while ((t instanceof SparkException
            || t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.io.UncheckedIOException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
