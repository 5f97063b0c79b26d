package polyak.spark.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import polyak.data.Dataset;
import polyak.data.FashionMnist;
import polyak.data.PixelScaling;
import polyak.nn.Precision;
import polyak.nn.kernel.DenseKernels;
import polyak.spark.cli.Sessions;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.BlockStorage;
import polyak.spark.metrics.MetricsFile;
import polyak.spark.metrics.StepLine;
import polyak.spark.run.PreparedData;
import polyak.spark.run.ThreadLayout;
import polyak.spark.run.TrainJob;
import polyak.train.LocalTrainer;
import polyak.train.StepReport;
import polyak.train.TrainingListener;
import polyak.train.TrainingState;

/**
 * {@code polyak bench distributed}: full Fashion-MNIST, 784-256-128-10 ReLU, Adam, batch 1024 — in
 * one Spark session, in float32 (the default) and in float64, each on its own cached training
 * blocks: the empty-job floor (a bare {@code mapPartitions} over the blocks returning one integer),
 * then the training job synchronous, synchronous with long-lived tasks (spark.long_lived_tasks: one
 * barrier job for the run) and with one-step-delayed gradients (test accuracy, the wall time of an
 * iteration, its per-phase split from metrics.jsonl), a short synchronous run at batch 4096,
 * LocalTrainer's one-thread examples/s and the one-thread GEMM limit in the same precision; then
 * what polyak adds beyond the floor, the training efficiency and issue 12's targets as measured /
 * target.
 */
public final class DistributedTrainingBenchmark {
  private DistributedTrainingBenchmark() {}

  /** The marker tag of the section {@code --markdown} writes. */
  static final String TAG = "bench-distributed";

  /** Iterations skipped at the start of each run (JIT, first jobs). */
  static final int WARM_UP = 5;

  /** The batch of the synchronous large-batch run (issue 12's efficiency target: ≥ 4096). */
  static final int LARGE_BATCH = 4096;

  /** Rows per thread of the GEMM limit (the per-thread share of batch 1024 on two cores). */
  static final int GEMM_BATCH = 512;

  /** Medians and spread of the empty job, ms. */
  public record Floor(double medianMs, double p10Ms, double p90Ms, int jobs) {}

  /**
   * One training run, over its iterations after the warm-up: {@code wallMs} the mean time from one
   * iteration's end to the next's (everything the driver does, evaluations included: a mean, since
   * with two jobs in flight the delayed mode's iterations alternate between waiting for a job and
   * finding it done); the other figures medians from metrics.jsonl, {@code waitMs} the part the
   * driver spent waiting for the gradient.
   */
  public record ModeRun(
      String name,
      int batch,
      long iterations,
      double testAccuracy,
      double wallMs,
      double waitMs,
      double broadcastMs,
      double computeMs,
      double aggregateMs,
      double stepMs) {

    /**
     * Wall time of an iteration beyond {@code computeMs} (the synchronous run's executor compute:
     * the delayed run's jobs overlap, which stretches each one's compute), as a share of it.
     */
    double overheadShare(double computeMs) {
      return Math.max(0, wallMs - computeMs) / wallMs;
    }

    /** Batch ÷ mean iteration. */
    double examplesPerSecond() {
      return batch / (wallMs / 1000);
    }
  }

  /**
   * Everything measured in one precision: Spark's in-memory size of the cached training blocks, the
   * synchronous, synchronous long-lived-tasks, delayed and large-batch runs, one LocalTrainer
   * thread's examples/s, and the one-thread GEMM GFLOP/s of the same kernel and precision.
   */
  public record PrecisionRuns(
      Precision precision,
      long cacheBytes,
      ModeRun synchronous,
      ModeRun longLived,
      ModeRun delayed,
      ModeRun largeBatch,
      double localExamplesPerSecond,
      double gemmGflops) {

    /** {@code run}'s achieved FLOP/s (6·P per example) ÷ (GEMM limit × cores). */
    double efficiency(ModeRun run, long parameters, int cores) {
      return PrecisionRuns.efficiency(parameters, run.examplesPerSecond(), gemmGflops, cores);
    }

    static double efficiency(long parameters, double examplesPerSecond, double gflops, int cores) {
      return 6.0 * parameters * examplesPerSecond / (gflops * 1e9 * cores);
    }

    /** Spark over one LocalTrainer thread, examples/s. */
    double speedup(ModeRun run) {
      return run.examplesPerSecond() / localExamplesPerSecond;
    }

    /**
     * The synchronous iteration (median of wait + step) beyond executor compute and the empty-job
     * floor.
     */
    double addedBeyondFloorMs(Floor floor) {
      return synchronous.waitMs()
          + synchronous.stepMs()
          - synchronous.computeMs()
          - floor.medianMs();
    }

    /** The delayed mode's wall time beyond the synchronous compute, as a share. */
    double delayedOverhead() {
      return delayed.overheadShare(synchronous.computeMs());
    }
  }

  /** Figures of one run of the benchmark: float32 first, then float64. */
  public record Result(
      Environment environment,
      String master,
      int cores,
      int epochs,
      int batch,
      int partitions,
      int threadsPerTask,
      String kernel,
      long parameters,
      double loadStart,
      double load,
      Floor floor,
      List<PrecisionRuns> runs) {

    PrecisionRuns in(Precision p) {
      return runs.stream().filter(r -> r.precision() == p).findFirst().orElseThrow();
    }

    /** Issue 12's targets: name, per-precision measured values (float32, float64), bound. */
    List<Target> targets() {
      PrecisionRuns f32 = in(Precision.FLOAT32);
      PrecisionRuns f64 = in(Precision.FLOAT64);
      List<Target> t = new ArrayList<>();
      t.add(
          new Target(
              "polyak beyond the empty-job floor, synchronous (median wait + step − compute −"
                  + " floor)",
              f32.addedBeyondFloorMs(floor),
              f64.addedBeyondFloorMs(floor),
              3,
              false,
              " ms"));
      t.add(
          new Target(
              "Spark overhead, delayed ((iteration − synchronous compute) / iteration)",
              100 * f32.delayedOverhead(),
              100 * f64.delayedOverhead(),
              15,
              false,
              " %"));
      t.add(
          new Target(
              "Spark / one LocalTrainer thread, ex/s, synchronous",
              f32.speedup(f32.synchronous()),
              f64.speedup(f64.synchronous()),
              1.3,
              true,
              "×"));
      t.add(
          new Target(
              "Spark / one LocalTrainer thread, ex/s, long-lived synchronous"
                  + " (spark.long_lived_tasks)",
              f32.speedup(f32.longLived()),
              f64.speedup(f64.longLived()),
              1.3,
              true,
              "×"));
      t.add(
          new Target(
              "Spark / one LocalTrainer thread, ex/s, delayed",
              f32.speedup(f32.delayed()),
              f64.speedup(f64.delayed()),
              1.7,
              true,
              "×"));
      t.add(
          new Target(
              "training efficiency, delayed, batch " + batch + " (6·P·ex/s ÷ GEMM × cores)",
              100 * f32.efficiency(f32.delayed(), parameters, cores),
              100 * f64.efficiency(f64.delayed(), parameters, cores),
              70,
              true,
              " %"));
      t.add(
          new Target(
              "training efficiency, long-lived synchronous, batch " + batch,
              100 * f32.efficiency(f32.longLived(), parameters, cores),
              100 * f64.efficiency(f64.longLived(), parameters, cores),
              70,
              true,
              " %"));
      t.add(
          new Target(
              "training efficiency, synchronous, batch " + f32.largeBatch().batch(),
              100 * f32.efficiency(f32.largeBatch(), parameters, cores),
              100 * f64.efficiency(f64.largeBatch(), parameters, cores),
              70,
              true,
              " %"));
      t.add(
          new Target(
              "test accuracy, synchronous − delayed"
                  + (epochs < 10 ? " (short run: not the default job's)" : ""),
              100 * (f32.synchronous().testAccuracy() - f32.delayed().testAccuracy()),
              100 * (f64.synchronous().testAccuracy() - f64.delayed().testAccuracy()),
              0.3,
              false,
              " points"));
      t.add(
          new Target(
              "test accuracy, long-lived − synchronous (absolute; same bits: 0)",
              100 * Math.abs(f32.longLived().testAccuracy() - f32.synchronous().testAccuracy()),
              100 * Math.abs(f64.longLived().testAccuracy() - f64.synchronous().testAccuracy()),
              0,
              false,
              " points"));
      t.add(
          new Target(
              "test accuracy gap, float32 vs float64 (absolute), synchronous"
                  + (epochs < 10 ? " (short run)" : " (the default job)"),
              100 * Math.abs(f32.synchronous().testAccuracy() - f64.synchronous().testAccuracy()),
              Double.NaN,
              0.3,
              false,
              " points"));
      t.add(
          new Target(
              "cached training blocks, float32 ÷ float64 (Spark storage, memory; half: ≤ 0.51)",
              (double) f32.cacheBytes() / f64.cacheBytes(),
              Double.NaN,
              0.51,
              false,
              "×"));
      return t;
    }

    public String markdown() {
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              Locale.ROOT,
              """
              ## Distributed training on Spark (`polyak bench distributed`): the empty-job floor, \
              synchronous (per-iteration jobs and long-lived tasks) and delayed gradients, against one thread, \
              float32 and float64

              Run %s, commit `%s`, master `%s` (%d cores), %d epoch%s per mode and precision, \
              batch %d; layout: %d task%s × %d thread%s per task; dense kernel %s. Machine: %s; \
              load average %.1f at the start, %.1f at the end%s.

              Empty-job floor (`mapPartitions` over the %d cached training blocks returning one \
              integer, `collect()`, %d jobs, half before and half after the runs): median %.1f ms \
              (p10 %.1f, p90 %.1f).

              """,
              java.time.LocalDate.now(),
              environment.commit(),
              master,
              cores,
              epochs,
              epochs == 1 ? "" : "s",
              batch,
              partitions,
              partitions == 1 ? "" : "s",
              threadsPerTask,
              threadsPerTask == 1 ? "" : "s",
              kernel,
              environment.describe(),
              loadStart,
              load,
              Math.max(loadStart, load) > 3 ? " (**loaded**: other jobs shared the 2 cores)" : "",
              partitions,
              floor.jobs(),
              floor.medianMs(),
              floor.p10Ms(),
              floor.p90Ms()));
      b.append("| figure |");
      for (PrecisionRuns r : runs) {
        b.append(" ").append(r.precision()).append(" synchronous | ");
        b.append(r.precision()).append(" synchronous, long-lived tasks | ");
        b.append(r.precision()).append(" delayed (gradient_delay = 1) |");
      }
      b.append("\n|---|").append("---:|---:|---:|".repeat(runs.size())).append('\n');
      row(b, "test accuracy", "%.2f %%", r -> 100 * r.testAccuracy());
      row(b, "iterations", "%.0f", r -> r.iterations());
      row(b, "iteration (wall, end to end; mean)", "%.1f ms", ModeRun::wallMs);
      row(b, "driver waiting for the gradient (median)", "%.1f ms", ModeRun::waitMs);
      row(b, "driver step (median)", "%.1f ms", ModeRun::stepMs);
      row(b, "gradient job: broadcast (median)", "%.1f ms", ModeRun::broadcastMs);
      row(
          b,
          "gradient job: executor compute (slowest task; delayed: jobs overlap; median)",
          "%.1f ms",
          ModeRun::computeMs);
      row(b, "gradient job: scheduling + result + sum (median)", "%.1f ms", ModeRun::aggregateMs);
      b.append("| Spark overhead (iteration − synchronous compute) / iteration |");
      for (PrecisionRuns r : runs) {
        b.append(
            f(
                " %.0f %% | %.0f %% | %.0f %% |",
                100 * r.synchronous().overheadShare(r.synchronous().computeMs()),
                100 * r.longLived().overheadShare(r.synchronous().computeMs()),
                100 * r.delayedOverhead()));
      }
      b.append('\n');
      row(b, "examples/s (batch / mean iteration)", "%.0f", ModeRun::examplesPerSecond);
      b.append("| Spark / one LocalTrainer thread (same kernel and precision) |");
      for (PrecisionRuns r : runs) {
        b.append(
            f(
                " %.2f (%.0f ex/s) | %.2f | %.2f |",
                r.speedup(r.synchronous()),
                r.localExamplesPerSecond(),
                r.speedup(r.longLived()),
                r.speedup(r.delayed())));
      }
      b.append('\n');
      b.append("| training efficiency (6·P·ex/s ÷ 1-thread GEMM × cores) |");
      for (PrecisionRuns r : runs) {
        b.append(
            f(
                " %.1f %% (GEMM %.1f GFLOP/s) | %.1f %% | %.1f %% |",
                100 * r.efficiency(r.synchronous(), parameters, cores),
                r.gemmGflops(),
                100 * r.efficiency(r.longLived(), parameters, cores),
                100 * r.efficiency(r.delayed(), parameters, cores)));
      }
      b.append('\n');
      b.append("| cached training blocks (Spark storage, memory) |");
      for (PrecisionRuns r : runs) {
        b.append(f(" %.1f MiB | | |", r.cacheBytes() / 1048576.0));
      }
      b.append("\n\n");
      b.append(
          f(
              "Synchronous at batch %d (%d iterations, mean iteration after %d warm-up): ",
              runs.get(0).largeBatch().batch(), runs.get(0).largeBatch().iterations(), WARM_UP));
      List<String> large = new ArrayList<>();
      for (PrecisionRuns r : runs) {
        ModeRun l = r.largeBatch();
        large.add(
            f(
                "%s %.1f ms (compute %.1f, broadcast %.1f, scheduling + result + sum %.1f, step"
                    + " %.1f), %.0f ex/s, efficiency %.1f %%",
                r.precision(),
                l.wallMs(),
                l.computeMs(),
                l.broadcastMs(),
                l.aggregateMs(),
                l.stepMs(),
                l.examplesPerSecond(),
                100 * r.efficiency(l, parameters, cores)));
      }
      b.append(String.join("; ", large)).append(".\n\n");
      b.append(
              "| target (issue 12) | measured float32 | measured float64 | target | met? (float32 /"
                  + " float64) |\n")
          .append("|---|---:|---:|---:|---|\n");
      for (Target t : targets()) {
        b.append(t.markdownRow()).append('\n');
      }
      b.append(
          "\nTraining efficiency: P = "
              + parameters
              + " parameters, 6 FLOP per example-parameter, against the one-thread GEMM"
              + " GFLOP/s of the same kernel and precision at "
              + GEMM_BATCH
              + " rows (the network's three products per layer) × "
              + cores
              + " cores.\n");
      return b.toString();
    }

    private void row(
        StringBuilder b, String name, String format, ToDoubleFunction<ModeRun> figure) {
      b.append("| ").append(name).append(" |");
      for (PrecisionRuns r : runs) {
        b.append(' ').append(f(format, figure.applyAsDouble(r.synchronous()))).append(" |");
        b.append(' ').append(f(format, figure.applyAsDouble(r.longLived()))).append(" |");
        b.append(' ').append(f(format, figure.applyAsDouble(r.delayed()))).append(" |");
      }
      b.append('\n');
    }
  }

  /**
   * A target with its float32 and float64 measurements (NaN: one figure for both) and its bound.
   */
  record Target(
      String name, double float32, double float64, double bound, boolean atLeast, String unit) {
    /** "yes", "no" or "—" for {@code measured}. */
    String met(double measured) {
      if (!Double.isFinite(measured)) {
        return "—";
      }
      return (atLeast ? measured >= bound : measured <= bound) ? "yes" : "**no**";
    }

    String markdownRow() {
      return f(
          "| %s | %s | %s | %s %s | %s |",
          name,
          value(float32),
          Double.isFinite(float64) ? value(float64) : "(both)",
          atLeast ? "≥" : "≤",
          value(bound),
          Double.isFinite(float64) ? met(float32) + " / " + met(float64) : met(float32));
    }

    private String value(double v) {
      return unit.equals("×") ? f("%.2f×", v) : f("%.2f%s", v, unit);
    }
  }

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /**
   * @param quick one epoch per mode, fewer floor jobs and local iterations (about 2-3 minutes)
   * @param master the Spark master (local[2] in BENCHMARKS.md)
   * @param extra config overrides on top of the benchmark's (e.g. data.scaling=standardize)
   * @param markdown the BENCHMARKS.md whose section to (re)write, or null
   */
  public static Result run(
      int epochs,
      boolean quick,
      Path outputDir,
      String master,
      List<String> extra,
      Path markdown,
      PrintStream out)
      throws IOException {
    int runEpochs = quick ? 1 : epochs;
    double loadStart = Environment.loadAverage();
    List<String> overrides =
        new ArrayList<>(List.of("training.epochs=" + runEpochs, "checkpoint.every=0"));
    overrides.addAll(PolyakBench.BEST_OPTIMIZER);
    overrides.addAll(extra);
    PolyakConfig config = ConfigLoader.load(null, overrides);
    Result result;
    try (SparkSession spark = Sessions.create("polyak bench distributed", master)) {
      int cores = spark.sparkContext().defaultParallelism();
      // half the empty jobs before the training runs, half after: a load that changes during
      // the run then weighs on the floor as on the runs
      int half = quick ? 20 : 50;
      // a fresh directory per bench run: an earlier run's files are never replaced
      Path runDir = outputDir.resolve(polyak.spark.run.RunProvenance.newRunId());
      out.printf("training runs under %s%n", runDir);
      double[] before = null;
      double[] after = null;
      int partitions = 0;
      int threads = 0;
      List<PrecisionRuns> runs = new ArrayList<>();
      List<Precision> order = List.of(Precision.FLOAT32, Precision.FLOAT64);
      for (Precision p : order) {
        List<String> inP = new ArrayList<>(overrides);
        inP.add("training.precision=" + p.text());
        PolyakConfig pc = ConfigLoader.load(null, inP);
        PreparedData data = PreparedData.load(spark, pc, null);
        partitions = data.train().partitions();
        threads = ThreadLayout.threadsPerTask(spark.sparkContext(), pc);
        long cache = BlockStorage.of(data.train().blocks()).memoryBytes();
        out.printf(
            Locale.ROOT,
            "%s: layout %d task%s x %d thread%s per task; dense kernel %s; cached training blocks"
                + " %.1f MiB%n",
            p,
            partitions,
            partitions == 1 ? "" : "s",
            threads,
            threads == 1 ? "" : "s",
            DenseKernels.describe(),
            cache / 1048576.0);
        if (p == order.get(0)) {
          before = emptyJobs(data.train().blocks(), half);
        }
        ModeRun sync = train(spark, data, inP, "synchronous", 0, runDir.resolve(p.text()), out);
        List<String> longLivedTasks = new ArrayList<>(inP);
        longLivedTasks.add("spark.long_lived_tasks=true");
        ModeRun longLived =
            train(spark, data, longLivedTasks, "long-lived", 0, runDir.resolve(p.text()), out);
        ModeRun delayed = train(spark, data, inP, "delayed", 1, runDir.resolve(p.text()), out);
        List<String> large = new ArrayList<>(inP);
        // small test sets: at most the training rows
        large.add("training.batch_size=" + Math.min(LARGE_BATCH, data.train().rows()));
        large.add("training.epochs=" + (quick ? 1 : 2));
        ModeRun largeBatch =
            train(spark, data, large, "large-batch", 0, runDir.resolve(p.text()), out);
        if (p == order.get(order.size() - 1)) {
          after = emptyJobs(data.train().blocks(), half);
        }
        data.train().unpersist();
        if (data.test() != null) {
          data.test().unpersist();
        }
        double local = localExamplesPerSecond(pc, quick ? 15 : 30, p);
        double gflops =
            KernelBenchmark.gemmGflops(
                DenseKernels.chosen().factory().get(), pc.network(), GEMM_BATCH, 15, p);
        out.printf(
            Locale.ROOT,
            "%s: LocalTrainer, one thread: %.0f examples/s; GEMM %.2f GFLOP/s (1 thread, %d"
                + " rows)%n",
            p,
            local,
            gflops,
            GEMM_BATCH);
        runs.add(new PrecisionRuns(p, cache, sync, longLived, delayed, largeBatch, local, gflops));
      }
      Floor floor = floor(before, after);
      out.printf(
          Locale.ROOT,
          "empty-job floor: median %.1f ms (p10 %.1f, p90 %.1f) over %d jobs%n",
          floor.medianMs(),
          floor.p10Ms(),
          floor.p90Ms(),
          floor.jobs());
      result =
          new Result(
              Environment.probe(),
              master,
              cores,
              runEpochs,
              config.training().batchSize(),
              partitions,
              threads,
              DenseKernels.name(),
              polyak.nn.Network.build(config.network()).parameterCount(),
              loadStart,
              Environment.loadAverage(),
              floor,
              runs);
    }
    out.print(result.markdown());
    if (markdown != null) {
      BenchMarkdown.splice(markdown, TAG, result.markdown());
    }
    return result;
  }

  /**
   * Wall ms of {@code jobs} empty jobs over the cached blocks, after five unmeasured ones. The RDD
   * is built once (as the bare-Spark floor was measured): the floor is the job, not the
   * building of its RDD.
   */
  static double[] emptyJobs(JavaRDD<Dataset> blocks, int jobs) {
    blocks.context().setJobDescription("polyak bench: empty job");
    JavaRDD<Integer> empty = blocks.mapPartitions(it -> List.of(1).iterator(), true);
    double[] ms = new double[jobs];
    for (int i = -5; i < jobs; i++) {
      long start = System.nanoTime();
      empty.collect();
      if (i >= 0) {
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    return ms;
  }

  static Floor floor(double[] before, double[] after) {
    double[] ms = Arrays.copyOf(before, before.length + after.length);
    System.arraycopy(after, 0, ms, before.length, after.length);
    Arrays.sort(ms);
    return new Floor(
        PolyakRuns.median(ms),
        ms[(int) Math.floor(0.1 * (ms.length - 1))],
        ms[(int) Math.ceil(0.9 * (ms.length - 1))],
        ms.length);
  }

  private static ModeRun train(
      SparkSession spark,
      PreparedData data,
      List<String> overrides,
      String name,
      int delay,
      Path outputDir,
      PrintStream out)
      throws IOException {
    Path dir = outputDir.resolve(name);
    List<String> mode = new ArrayList<>(overrides);
    mode.add("training.gradient_delay=" + delay);
    mode.add("output.dir=" + dir);
    PolyakConfig config = ConfigLoader.load(null, mode);
    List<Long> ends = new ArrayList<>();
    TrainJob.Outcome outcome =
        TrainJob.run(
            spark,
            config,
            null,
            List.of(),
            new PrintStream(OutputStream.nullOutputStream()),
            false,
            data,
            step -> {
              ends.add(System.nanoTime());
              return false;
            });
    List<StepLine> metrics = MetricsFile.read(dir.toString(), new Configuration()).steps();
    List<StepLine> steps = metrics.subList(Math.min(WARM_UP, metrics.size()), metrics.size());
    double[] wall = new double[Math.max(0, ends.size() - 1 - WARM_UP)];
    for (int i = 0; i < wall.length; i++) {
      wall[i] = (ends.get(WARM_UP + i + 1) - ends.get(WARM_UP + i)) / 1e6;
    }
    double step = median(steps, StepLine::driverStepMs);
    ModeRun run =
        new ModeRun(
            name,
            config.training().batchSize(),
            metrics.size(),
            outcome.testAccuracy(),
            Arrays.stream(wall).average().orElse(Double.NaN),
            median(steps, StepLine::totalMs) - step,
            median(steps, StepLine::broadcastMs),
            median(steps, StepLine::computeMs),
            median(steps, StepLine::aggregateMs),
            step);
    out.printf(
        Locale.ROOT,
        "%s %s: %d iterations, test accuracy %.2f %%, mean iteration %.1f ms%n",
        config.precision(),
        name,
        run.iterations(),
        100 * run.testAccuracy(),
        run.wallMs());
    return run;
  }

  /**
   * LocalTrainer (one thread, the same kernel and precision) on the same training rows (float32
   * rows in float32), after 5 iterations.
   */
  private static double localExamplesPerSecond(
      PolyakConfig config, int iterations, Precision precision) throws IOException {
    Dataset raw = FashionMnist.train();
    Dataset train =
        config.scaling() == polyak.spark.config.Scaling.STANDARDIZE
            ? polyak.data.Standardizer.fit(raw).apply(raw)
            : PixelScaling.INSTANCE.apply(raw);
    if (precision == Precision.FLOAT32) {
      train = train.toFloat32();
    }
    List<Double> ms = new ArrayList<>();
    new LocalTrainer(config.network(), config.training().withMaxIterations(iterations))
        .inPrecision(precision)
        .train(
            train,
            null,
            new TrainingListener() {
              @Override
              public void onStep(TrainingState s, StepReport r) {
                if (r.step() > WARM_UP) {
                  ms.add(r.gradientMillis() + r.stepMillis());
                }
              }
            });
    return config.training().batchSize()
        / (PolyakRuns.median(ms.stream().mapToDouble(Double::doubleValue).toArray()) / 1000);
  }

  static double median(List<StepLine> lines, ToDoubleFunction<StepLine> field) {
    return PolyakRuns.median(lines.stream().mapToDouble(field).filter(Double::isFinite).toArray());
  }
}
