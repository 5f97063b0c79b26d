package polyak.spark.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import polyak.nn.Precision;
import polyak.spark.metrics.Json;

/**
 * Everything {@code polyak bench} measured, the derived figures, and the writers (Markdown, CSV,
 * JSON).
 *
 * @param kernelBatch the per-partition batch of the kernel figures
 * @param trivialJobMs median ms of a trivial job by its task count
 * @param bestSchedulingMs median of an empty job over polyak-best's cached blocks
 * @param notes what the run skipped or changed, and why
 */
public record BenchReport(
    PolyakBench.Options options,
    Environment environment,
    Setup setup,
    int kernelBatch,
    List<KernelBenchmark.Row> kernels,
    Map<Integer, Double> trivialJobMs,
    double bestSchedulingMs,
    List<SweepRow> sweep,
    ScalingModel.Fit fit,
    List<PolyakRuns.Curve> curves,
    List<MllibBaseline.Fit> mllib,
    List<String> notes) {
  /** A sweep point with its scheduling baseline (the empty-job median at its partition count). */
  record SweepRow(String kind, PolyakRuns.Timed timed, int cores, double schedulingMs) {}

  /**
   * The run's Spark side and data: master, cores given to Spark, the kernels, the load average at
   * start and end, the rows, and the whole run's seconds.
   */
  public record Setup(
      String master,
      int cores,
      String polyakKernel,
      String mllibBlas,
      double loadStart,
      double loadEnd,
      long trainRows,
      long testRows,
      double seconds,
      long cacheBytesFloat64,
      long cacheBytesFloat32) {
    /** Spark's in-memory size of the float32 training blocks ÷ the float64 ones. */
    public double cacheRatio() {
      return (double) cacheBytesFloat32 / cacheBytesFloat64;
    }
  }

  /** Time to an accuracy: polyak's, MLlib's (the first fit reaching it) and MLlib's lower bound. */
  public record Reach(
      String label,
      double accuracy,
      double polyakSigmoidSeconds,
      double polyakBestSeconds,
      double polyakBestFloat64Seconds,
      double polyakBestLongLivedSeconds,
      double mllibSeconds,
      double mllibLowerBoundSeconds) {
    /** MLlib ÷ polyak-best (float32, the default). */
    public double speedup() {
      return mllibSeconds / polyakBestSeconds;
    }

    /** MLlib ÷ polyak-best in float64. */
    public double speedupFloat64() {
      return mllibSeconds / polyakBestFloat64Seconds;
    }

    /** MLlib ÷ polyak-best with long-lived tasks (float32). */
    public double speedupLongLived() {
      return mllibSeconds / polyakBestLongLivedSeconds;
    }
  }

  /** A target: measured value, the bound, whether the bound is a minimum, met or not. */
  public record Target(String name, double measured, double bound, boolean atLeast, String unit) {
    public boolean met() {
      return atLeast ? measured >= bound : measured <= bound;
    }
  }

  public BenchReport {
    kernels = List.copyOf(kernels);
    trivialJobMs = java.util.Collections.unmodifiableMap(new TreeMap<>(trivialJobMs));
    sweep = List.copyOf(sweep);
    curves = List.copyOf(curves);
    mllib = List.copyOf(mllib);
    notes = List.copyOf(notes);
  }

  /** The same report with one more note. */
  BenchReport withNote(String note) {
    List<String> more = new ArrayList<>(notes);
    more.add(note);
    return new BenchReport(
        options,
        environment,
        setup,
        kernelBatch,
        kernels,
        trivialJobMs,
        bestSchedulingMs,
        sweep,
        fit,
        curves,
        mllib,
        more);
  }

  static List<ScalingModel.Sample> samples(List<SweepRow> sweep) {
    List<ScalingModel.Sample> s = new ArrayList<>();
    for (SweepRow r : sweep) {
      s.add(
          new ScalingModel.Sample(
              r.timed().parameters(),
              r.timed().batch(),
              r.timed().partitions(),
              r.cores(),
              r.timed().median(),
              r.schedulingMs()));
    }
    return s;
  }

  // ---- derived figures -------------------------------------------------------------------------

  public double mllibBestAccuracy() {
    return mllib.stream().mapToDouble(MllibBaseline.Fit::testAccuracy).max().orElse(Double.NaN);
  }

  PolyakRuns.Curve curve(String name) {
    return curves.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  public List<Reach> reaches() {
    List<Reach> out = new ArrayList<>();
    double[] levels = {0.80, 0.85, mllibBestAccuracy()};
    String[] names = {"80 %", "85 %", "MLlib's best"};
    for (int i = 0; i < levels.length; i++) {
      double a = levels[i];
      double t = Double.NaN;
      double lower = 0;
      for (MllibBaseline.Fit f : mllib) {
        if (f.testAccuracy() >= a) {
          t = f.seconds();
          break;
        }
        lower = f.seconds();
      }
      out.add(
          new Reach(
              names[i],
              a,
              curve("polyak-sigmoid").secondsTo(a),
              curve("polyak-best").secondsTo(a),
              curve(PolyakBench.BEST_FLOAT64).secondsTo(a),
              curve(PolyakBench.BEST_LONG_LIVED).secondsTo(a),
              t,
              lower));
    }
    return out;
  }

  MllibBaseline.Fit mllibLongest() {
    return mllib.isEmpty() ? null : mllib.get(mllib.size() - 1);
  }

  /** The best single-thread GEMM GFLOP/s in either precision. */
  public double bestGemmGflops() {
    return kernels.stream().mapToDouble(KernelBenchmark.Row::gemmGflops).max().orElse(Double.NaN);
  }

  /** The best single-thread GEMM GFLOP/s in {@code p}: the compute limit of a run in {@code p}. */
  public double gemmGflops(Precision p) {
    return kernels.stream()
        .filter(k -> k.precision() == p)
        .mapToDouble(KernelBenchmark.Row::gemmGflops)
        .max()
        .orElse(Double.NaN);
  }

  String gemmKernel(Precision p) {
    return kernels.stream()
        .filter(k -> k.precision() == p)
        .max((a, b) -> Double.compare(a.gemmGflops(), b.gemmGflops()))
        .map(KernelBenchmark.Row::kernel)
        .orElse("?");
  }

  /** polyak-best in {@code p}: float32 is the default run, float64 its twin. */
  PolyakRuns.Curve best(Precision p) {
    return curve(p == Precision.FLOAT32 ? "polyak-best" : PolyakBench.BEST_FLOAT64);
  }

  /**
   * Achieved FLOP/s (6·P per example over the training clock) ÷ (best single-thread GEMM × cores)
   * of polyak-best in the default precision (float32), against the float32 GEMM limit.
   */
  public double trainingEfficiency() {
    return trainingEfficiency(Precision.FLOAT32);
  }

  /** The same for polyak-best in {@code p}, against the GEMM limit of {@code p}. */
  public double trainingEfficiency(Precision p) {
    return trainingEfficiency(best(p));
  }

  /** The same for run {@code c}, against the GEMM limit of its precision. */
  double trainingEfficiency(PolyakRuns.Curve c) {
    return efficiency(
        c.parameters(), c.examplesPerSecond(), gemmGflops(c.precision()), setup.cores());
  }

  /** 6·P·examples/s ÷ (GEMM GFLOP/s × cores). */
  static double efficiency(long parameters, double examplesPerSecond, double gflops, int cores) {
    return 6.0 * parameters * examplesPerSecond / (gflops * 1e9 * cores);
  }

  /** The same over the executors' task time only: what is lost inside the tasks (non-GEMM work). */
  public double taskEfficiency(Precision p) {
    PolyakRuns.Curve c = best(p);
    return efficiency(c.parameters(), c.examplesPerTaskSecond(), gemmGflops(p), 1);
  }

  /** The polyak kernel's float32 ÷ float64 forward+backward examples/s, one thread. */
  public double float32Speedup() {
    return KernelBenchmark.ratio(
        kernels,
        setup.polyakKernel(),
        KernelBenchmark.Row::examplesPerSecond,
        Precision.FLOAT32,
        Precision.FLOAT64);
  }

  /** polyak-best's examples/s in {@code p} ÷ MLlib's (its longest fit). */
  public double examplesPerSecondRatio(Precision p) {
    return examplesPerSecondRatio(best(p));
  }

  /** Run {@code c}'s examples/s ÷ MLlib's (its longest fit). */
  double examplesPerSecondRatio(PolyakRuns.Curve c) {
    MllibBaseline.Fit f = mllibLongest();
    return f == null ? Double.NaN : c.examplesPerSecond() / f.examplesPerSecond();
  }

  /** polyak's examples per task-second ÷ MLlib's, same topology (sigmoid), same meter. */
  public double computeRatio() {
    MllibBaseline.Fit f = mllibLongest();
    return f == null
        ? Double.NaN
        : curve("polyak-sigmoid").examplesPerTaskSecond() / f.examplesPerTaskSecond();
  }

  SweepRow overheadRow() {
    for (SweepRow r : sweep) {
      if (r.kind().equals("batch")
          && r.timed().batch() == 1024
          && r.timed().partitions() == setup.cores()) {
        return r;
      }
    }
    for (SweepRow r : sweep) {
      if (r.kind().equals("batch") && r.timed().partitions() == setup.cores()) {
        return r;
      }
    }
    return null;
  }

  static double overhead(PolyakRuns.Phase p) {
    return (p.broadcastMs() + p.jobRestMs()) / p.totalMs();
  }

  /**
   * Spark overhead (all but executor compute and driver step) at batch 1024, `cores` partitions.
   */
  public double sparkOverhead() {
    SweepRow r = overheadRow();
    return r == null ? Double.NaN : overhead(r.timed().median());
  }

  PolyakRuns.Phase bestMedianPhase(Precision p) {
    List<PolyakRuns.Phase> ph = best(p).phases();
    return PolyakRuns.median(ph.subList(Math.min(2, ph.size()), ph.size()));
  }

  /** Issue 12's targets this bench measures, both precisions where they differ. */
  public List<Target> targets() {
    Reach best = reaches().get(2);
    return List.of(
        new Target(
            "float32 ÷ float64 forward+backward examples/s, 1 thread, batch "
                + kernelBatch
                + ", "
                + setup.polyakKernel(),
            float32Speedup(),
            1.6,
            true,
            "×"),
        new Target(
            "speed-up to MLlib's best test accuracy (MLlib time ÷ polyak-best time), float32",
            best.speedup(),
            30,
            true,
            "×"),
        new Target(
            "speed-up to MLlib's best test accuracy, float64",
            best.speedupFloat64(),
            30,
            true,
            "×"),
        new Target(
            "speed-up to MLlib's best test accuracy, float32, long-lived tasks",
            best.speedupLongLived(),
            30,
            true,
            "×"),
        new Target(
            "examples/s, polyak-best ÷ MLlib (longest fit), float32",
            examplesPerSecondRatio(Precision.FLOAT32),
            1,
            true,
            "×"),
        new Target(
            "examples/s, polyak-best ÷ MLlib (longest fit), float64",
            examplesPerSecondRatio(Precision.FLOAT64),
            1,
            true,
            "×"),
        new Target(
            "examples/s, polyak-best with long-lived tasks ÷ MLlib (longest fit), float32",
            examplesPerSecondRatio(curve(PolyakBench.BEST_LONG_LIVED)),
            1,
            true,
            "×"),
        new Target(
            "per-example compute, polyak ÷ MLlib (examples per task-second, same topology), float32",
            computeRatio(),
            1,
            true,
            "×"),
        new Target(
            "training efficiency, synchronous batch "
                + best(Precision.FLOAT32).batch()
                + " (6·P·examples/s ÷ float32 GEMM × cores), float32",
            trainingEfficiency(Precision.FLOAT32),
            0.70,
            true,
            ""),
        new Target(
            "training efficiency, synchronous batch "
                + best(Precision.FLOAT64).batch()
                + " (÷ float64 GEMM × cores), float64",
            trainingEfficiency(Precision.FLOAT64),
            0.70,
            true,
            ""),
        new Target(
            "training efficiency, synchronous batch "
                + curve(PolyakBench.BEST_LONG_LIVED).batch()
                + ", long-lived tasks (÷ float32 GEMM × cores), float32",
            trainingEfficiency(curve(PolyakBench.BEST_LONG_LIVED)),
            0.70,
            true,
            ""),
        new Target(
            "final test accuracy, long-lived tasks vs per-iteration jobs (absolute; same bits: 0)",
            100
                * Math.abs(
                    curve(PolyakBench.BEST_LONG_LIVED).finalAccuracy()
                        - best(Precision.FLOAT32).finalAccuracy()),
            0,
            false,
            " points"),
        new Target(
            "final test accuracy gap, float32 vs float64 (absolute; polyak-best, "
                + options.epochs()
                + " epochs)",
            100
                * Math.abs(
                    best(Precision.FLOAT32).finalAccuracy()
                        - best(Precision.FLOAT64).finalAccuracy()),
            0.3,
            false,
            " points"),
        new Target(
            "cached training blocks, float32 ÷ float64 (Spark storage, memory)",
            setup.cacheRatio(),
            0.51,
            false,
            ""),
        new Target(
            "Spark overhead at batch 1024, local[" + setup.cores() + "], synchronous, float32",
            sparkOverhead(),
            0.15,
            false,
            ""));
  }

  /** A projection with its scaling mode and efficiency. */
  record Projected(String scaling, ScalingModel.Projection p, double efficiency) {}

  /**
   * Weak scaling (1024 examples per executor; efficiency = compute ÷ iteration) for P = 235k and
   * 5M, and strong scaling at a global batch of 8192 (efficiency = T(1) ÷ (E·T(E))) for P = 235k.
   */
  List<Projected> projections() {
    List<Projected> out = new ArrayList<>();
    for (long p : new long[] {235_146, 5_000_000}) {
      for (int e : new int[] {8, 64, 512}) {
        ScalingModel.Projection x = ScalingModel.project(fit, e, p, 1024);
        out.add(new Projected("weak (b = 1024)", x, x.efficiency()));
      }
    }
    double t1 = ScalingModel.project(fit, 1, 235_146, 8192).totalMs();
    for (int e : new int[] {1, 8, 64, 512}) {
      ScalingModel.Projection x = ScalingModel.project(fit, e, 235_146, Math.max(1, 8192 / e));
      out.add(new Projected("strong (B = 8192)", x, t1 / (e * x.totalMs())));
    }
    return out;
  }

  // ---- writers --------------------------------------------------------------------------------

  void write(Path markdown, Path outDir, PrintStream console) throws IOException {
    String tag = options.quick() ? "bench-quick" : "bench";
    writeCsvs(outDir, tag);
    BenchMarkdown.raw(outDir.resolve(tag + ".json"), json());
    String section = markdown(outDir, tag);
    if (markdown != null) {
      BenchMarkdown.splice(markdown, tag, section);
    }
    console.println(section);
  }

  String markdown(Path outDir, String tag) {
    StringBuilder m = new StringBuilder();
    String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    m.append("## `polyak bench`")
        .append(options.quick() ? " --quick" : "")
        .append(" — polyak against Spark MLlib's MLP " + "and against the compute limit\n\n");
    m.append(
        f(
            "Run %s, commit `%s`, %.0f s in all. Machine: %s, %d CPUs, %d cores given to Spark (`%s`), %s; %s; Spark %s; "
                + "polyak dense kernel `%s`, MLlib BLAS `%s`; OPENBLAS_NUM_THREADS=%s. Load average %.2f at the start, %.2f "
                + "at the end (the machine is shared: figures are medians and ratios from this one run, one JVM, one "
                + "Spark session, the same cached data).\n\n",
            date,
            environment.commit(),
            setup.seconds(),
            environment.cpu(),
            environment.cpus(),
            setup.cores(),
            setup.master(),
            environment.os(),
            environment.java(),
            environment.spark(),
            setup.polyakKernel(),
            setup.mllibBlas(),
            environment.openblasThreads(),
            setup.loadStart(),
            setup.loadEnd()));
    m.append(
        f(
            "Data: Fashion-MNIST, %d training and %d test rows, x/255, %d cached partitions; MLlib reads "
                + "DataFrames (label, features: Vector) built from the same cached blocks.\n\n",
            setup.trainRows(), setup.testRows(), setup.cores()));
    for (String n : notes) {
      m.append("- Note: ").append(n).append('\n');
    }
    if (!notes.isEmpty()) {
      m.append('\n');
    }

    m.append(
        "### Targets (measured / target)\n\n| target | measured | target | met |\n|---|---|---|---|\n");
    for (Target t : targets()) {
      m.append(
          f(
              "| %s | %s | %s %s | %s |\n",
              t.name(),
              num(t.measured(), t.unit()),
              t.atLeast() ? "≥" : "≤",
              num(t.bound(), t.unit()),
              t.met() ? "yes" : "**no**"));
    }

    m.append(
        "\n### Spark MLlib `MultilayerPerceptronClassifier` (784-256-128-10 sigmoid, l-bfgs, block size 128)\n\n"
            + "| maxIter | iterations | loss+gradient evaluations | fit s | test accuracy | examples/s | examples per "
            + "task-s |\n|---|---|---|---|---|---|---|\n");
    for (MllibBaseline.Fit f : mllib) {
      m.append(
          f(
              "| %d | %d | %d | %.1f | %.4f | %.0f | %.0f |\n",
              f.maxIter(),
              f.iterations(),
              f.evaluations(),
              f.seconds(),
              f.testAccuracy(),
              f.examplesPerSecond(),
              f.examplesPerTaskSecond()));
    }
    m.append(
        "\nExamples/s = evaluations × training rows ÷ fit time; examples per task-second uses the executor run "
            + "time of the evaluation jobs' tasks (a Spark listener), the same meter as polyak's below.\n");

    m.append(
        "\n### polyak runs (test accuracy against a training-only clock: evaluations excluded)\n\n"
            + "| run | configuration | P | iterations | train s | examples/s | examples per task-s | final test accuracy "
            + "| best |\n|---|---|---|---|---|---|---|---|---|\n");
    for (PolyakRuns.Curve c : curves) {
      m.append(
          f(
              "| %s | %s | %d | %d | %.1f | %.0f | %.0f | %.4f | %.4f |\n",
              c.name(),
              c.description(),
              c.parameters(),
              c.phases().size(),
              c.trainSeconds(),
              c.examplesPerSecond(),
              c.examplesPerTaskSecond(),
              c.finalAccuracy(),
              c.bestAccuracy()));
    }
    m.append(
        "\nTime to accuracy (s). MLlib: the first of its fits that reaches it (it needs more than the lower "
            + "bound, the previous fit's time); speed-up = MLlib ÷ polyak-best (float32; float64 and long-lived tasks in the last columns).\n\n"
            + "| accuracy | polyak-sigmoid | polyak-best | polyak-best-float64 | polyak-best-long-lived | MLlib | MLlib lower bound | speed-up | speed-up vs lower bound | speed-up, float64 | speed-up, long-lived |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Reach r : reaches()) {
      m.append(
          f(
              "| %s (%.4f) | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
              r.label(),
              r.accuracy(),
              sec(r.polyakSigmoidSeconds()),
              sec(r.polyakBestSeconds()),
              sec(r.polyakBestFloat64Seconds()),
              sec(r.polyakBestLongLivedSeconds()),
              sec(r.mllibSeconds()),
              sec(r.mllibLowerBoundSeconds()),
              num(r.speedup(), "×"),
              num(
                  r.mllibLowerBoundSeconds() > 0
                      ? r.mllibLowerBoundSeconds() / r.polyakBestSeconds()
                      : Double.NaN,
                  "×"),
              num(r.speedupFloat64(), "×"),
              num(r.speedupLongLived(), "×")));
    }
    MllibBaseline.Fit longest = mllibLongest();
    if (longest != null) {
      m.append(
          f(
              "\nRatios polyak ÷ MLlib (MLlib's longest fit): examples/s %s (sigmoid), %s (best) and %s (best, float64); "
                  + "examples per task-second %s (sigmoid); final accuracy %s (sigmoid), %s (best) and %s (best, float64).\n",
              num(curve("polyak-sigmoid").examplesPerSecond() / longest.examplesPerSecond(), "×"),
              num(examplesPerSecondRatio(Precision.FLOAT32), "×"),
              num(examplesPerSecondRatio(Precision.FLOAT64), "×"),
              num(computeRatio(), "×"),
              num(curve("polyak-sigmoid").finalAccuracy() / longest.testAccuracy(), "×"),
              num(curve("polyak-best").finalAccuracy() / longest.testAccuracy(), "×"),
              num(best(Precision.FLOAT64).finalAccuracy() / longest.testAccuracy(), "×")));
    }

    m.append(
        f(
            "\n### Compute limit: GEMM and forward+backward speed per precision, one thread, batch %d (the per-partition share)\n\n"
                + "| kernel | GEMM GFLOP/s float64 | float32 | float32 ÷ float64 | forward+backward examples/s float64 | float32 | float32 ÷ float64 |\n"
                + "|---|---|---|---|---|---|---|\n",
            kernelBatch));
    for (KernelBenchmark.Row k : kernels) {
      if (k.precision() != Precision.FLOAT64) {
        continue;
      }
      KernelBenchmark.Row k32 =
          kernels.stream()
              .filter(r -> r.kernel().equals(k.kernel()) && r.precision() == Precision.FLOAT32)
              .findFirst()
              .orElse(
                  new KernelBenchmark.Row(k.kernel(), Precision.FLOAT32, Double.NaN, Double.NaN));
      m.append(
          f(
              "| %s | %.2f | %.2f | %.2f× | %.0f | %.0f | %.2f× |\n",
              k.kernel(),
              k.gemmGflops(),
              k32.gemmGflops(),
              k32.gemmGflops() / k.gemmGflops(),
              k.examplesPerSecond(),
              k32.examplesPerSecond(),
              k32.examplesPerSecond() / k.examplesPerSecond()));
    }
    m.append(
        f(
            "\nCached training blocks (Spark's storage figures, in memory): float64 %.1f MiB, float32 %.1f MiB (%.1f %%).\n",
            setup.cacheBytesFloat64() / 1048576.0,
            setup.cacheBytesFloat32() / 1048576.0,
            100 * setup.cacheRatio()));
    for (Precision p : List.of(Precision.FLOAT32, Precision.FLOAT64)) {
      PolyakRuns.Curve c = best(p);
      m.append(
          f(
              "\nTraining efficiency of %s (%s, synchronous): 6·P·examples/s = 6 × %d × %.0f = %.2f GFLOP/s ÷ (%.2f GFLOP/s "
                  + "[%s %s] × %d cores) = **%.1f %%**. Within the tasks alone (examples per task-second): %.1f %% of one core's "
                  + "%s GEMM speed.\n",
              c.name(),
              p,
              c.parameters(),
              c.examplesPerSecond(),
              6.0 * c.parameters() * c.examplesPerSecond() / 1e9,
              gemmGflops(p),
              gemmKernel(p),
              p,
              setup.cores(),
              100 * trainingEfficiency(p),
              100 * taskEfficiency(p),
              p));
    }
    PolyakRuns.Phase ph32 = bestMedianPhase(Precision.FLOAT32);
    PolyakRuns.Phase ph64 = bestMedianPhase(Precision.FLOAT64);
    double sched = bestSchedulingMs;
    m.append(
        f(
            "\n### Per-phase split of an iteration (polyak-best, batch %d, %d partitions × 1 thread per task; medians over its "
                + "iterations)\n\n| phase | float32 ms | share | float64 ms | share |\n|---|---|---|---|---|\n",
            best(Precision.FLOAT32).batch(), best(Precision.FLOAT32).partitions()));
    PolyakRuns.Phase[] both = {ph32, ph64};
    String[] names = {
      "broadcast θ (driver side)",
      "executor compute (slowest task)",
      "scheduling (empty-job median over the cached blocks)",
      "aggregation (job rest − scheduling: results to the driver, ordered sum)",
      "driver step (optimizer)"
    };
    for (int i = 0; i < names.length; i++) {
      m.append("| ").append(names[i]);
      for (PolyakRuns.Phase ph : both) {
        double v =
            switch (i) {
              case 0 -> ph.broadcastMs();
              case 1 -> ph.computeMs();
              case 2 -> Math.min(sched, ph.jobRestMs());
              case 3 -> Math.max(0, ph.jobRestMs() - sched);
              default -> ph.stepMs();
            };
        m.append(f(" | %.1f | %.1f %%", v, 100 * v / ph.totalMs()));
      }
      m.append(" |\n");
    }
    m.append(
        f(
            "| **iteration** | **%.1f** | Spark overhead (broadcast + scheduling + aggregation) **%.1f %%** | **%.1f** | **%.1f %%** |\n",
            ph32.totalMs(), 100 * overhead(ph32), ph64.totalMs(), 100 * overhead(ph64)));
    m.append(
        "\nThis bench's runs are synchronous with one task per core (the `SparkTrainer` defaults); the "
            + "default job's layout (tasks × threads), the delayed mode, the floor and LocalTrainer are in "
            + "`polyak bench distributed`.\n");
    m.append(
        "\n### Sweeps (float32; short runs: median over the measured iterations after warm-up)\n\n"
            + "| sweep | P | batch | partitions | iteration ms | broadcast | compute | job rest | of which scheduling | step "
            + "| Spark overhead |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (SweepRow r : sweep) {
      PolyakRuns.Phase p = r.timed().median();
      m.append(
          f(
              "| %s | %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f %% |\n",
              r.kind(),
              r.timed().parameters(),
              r.timed().batch(),
              r.timed().partitions(),
              p.totalMs(),
              p.broadcastMs(),
              p.computeMs(),
              p.jobRestMs(),
              r.schedulingMs(),
              p.stepMs(),
              100 * overhead(p)));
    }
    m.append(
        f(
            "\n%d + %d iterations per point (warm-up + measured); scheduling = median of an empty job over the "
                + "same cached blocks, run right after the point. Trivial jobs (parallelized range) by task count: %s ms.\n",
            options.warmup(), options.measured(), trivialJobMs));

    m.append(
        f(
            "\n### Fitted model (one machine, local mode) and projection\n\n"
                + "Whole iteration, least squares over all sweep points: **T = c·B·P/w + α + β·P** (B global batch, P "
                + "parameters, w = min(partitions, cores)): c = %.3e ms per example-parameter (= %.2f GFLOP/s per core at "
                + "6 FLOP per example-parameter), **α = %.1f ms**, **β = %.3e ms per parameter** (%.1f ms per million), "
                + "R² = %.3f.\n\n",
            fit.c(), 6 / fit.c() / 1e6, fit.alpha(), fit.beta(), fit.beta() * 1e6, fit.r2()));
    m.append(
        f(
            "Phase fits: compute = c_e·(B/k)·P with c_e = %.3e ms; broadcast = %.1f ms + %.3e ms·P; "
                + "aggregation (job rest − scheduling) = %.1f ms + %.3e ms·k·P; scheduling = %.1f ms + %.2f ms·k; step = "
                + "%.1f ms + %.3e ms·P.\n\n",
            fit.ce(),
            fit.ab(),
            fit.betaB(),
            fit.aa(),
            fit.betaA(),
            fit.alpha0(),
            fit.alphaT(),
            fit.as(),
            fit.betaS()));
    m.append(
        f(
            "Projection to E executors of one core each (a model, not a measurement): compute c_e·b·P "
                + "for b examples per executor; torrent broadcast = driver put + ⌈log2 E⌉ hops; depth-2 fixed-tree "
                + "aggregation = 2·⌈√E⌉ vectors received one after another (⌈√E⌉ into each group reducer, ⌈√E⌉ group "
                + "sums into the driver); a hop costs the measured transfer-and-sum β_a plus 8 bytes over an assumed "
                + "10 Gbit/s link (%.1e ms per parameter); scheduling α_0 + α_t·E; step as measured. Weak scaling "
                + "(b = 1024 per executor): efficiency = compute ÷ iteration. Strong scaling (global batch 8192): "
                + "efficiency = T(1) ÷ (E·T(E)).\n\n",
            ScalingModel.WIRE_MS_PER_PARAM));
    m.append(
        "| scaling | E | P | batch per executor | compute ms | broadcast | aggregation | scheduling | step | "
            + "iteration ms | efficiency |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Projected pj : projections()) {
      ScalingModel.Projection p = pj.p();
      m.append(
          f(
              "| %s | %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f %% |\n",
              pj.scaling(),
              p.executors(),
              p.parameters(),
              p.batchPerExecutor(),
              p.computeMs(),
              p.broadcastMs(),
              p.aggregationMs(),
              p.schedulingMs(),
              p.stepMs(),
              p.totalMs(),
              100 * pj.efficiency()));
    }
    m.append(f("\nRaw figures: `%s/%s.json`, `%s/%s-*.csv`.\n\n", outDir, tag, outDir, tag));
    return m.toString();
  }

  private void writeCsvs(Path dir, String tag) throws IOException {
    StringBuilder c = new StringBuilder("run,step,epoch,train_seconds,test_accuracy,test_loss\n");
    for (PolyakRuns.Curve cv : curves) {
      for (PolyakRuns.Point p : cv.points()) {
        c.append(
            f(
                "%s,%d,%.4f,%.3f,%.5f,%.5f\n",
                cv.name(), p.step(), p.epoch(), p.seconds(), p.accuracy(), p.loss()));
      }
    }
    for (MllibBaseline.Fit fi : mllib) {
      c.append(
          f(
              "mllib-maxIter-%d,%d,,%.3f,%.5f,\n",
              fi.maxIter(), fi.iterations(), fi.seconds(), fi.testAccuracy()));
    }
    BenchMarkdown.raw(dir.resolve(tag + "-curves.csv"), c);

    StringBuilder it =
        new StringBuilder("run,iteration,broadcast_ms,compute_ms,job_rest_ms,step_ms\n");
    for (PolyakRuns.Curve cv : curves) {
      int i = 1;
      for (PolyakRuns.Phase p : cv.phases()) {
        it.append(
            f(
                "%s,%d,%.3f,%.3f,%.3f,%.3f\n",
                cv.name(), i++, p.broadcastMs(), p.computeMs(), p.jobRestMs(), p.stepMs()));
      }
    }
    BenchMarkdown.raw(dir.resolve(tag + "-iterations.csv"), it);

    StringBuilder s =
        new StringBuilder(
            "sweep,parameters,batch,partitions,iteration_ms,broadcast_ms,compute_ms,"
                + "job_rest_ms,scheduling_ms,step_ms\n");
    for (SweepRow r : sweep) {
      PolyakRuns.Phase p = r.timed().median();
      s.append(
          f(
              "%s,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n",
              r.kind(),
              r.timed().parameters(),
              r.timed().batch(),
              r.timed().partitions(),
              p.totalMs(),
              p.broadcastMs(),
              p.computeMs(),
              p.jobRestMs(),
              r.schedulingMs(),
              p.stepMs()));
    }
    BenchMarkdown.raw(dir.resolve(tag + "-sweep.csv"), s);

    StringBuilder k = new StringBuilder("kernel,precision,batch,gemm_gflops,examples_per_second\n");
    for (KernelBenchmark.Row r : kernels) {
      k.append(
          f(
              "%s,%s,%d,%.3f,%.1f\n",
              r.kernel(), r.precision(), kernelBatch, r.gemmGflops(), r.examplesPerSecond()));
    }
    BenchMarkdown.raw(dir.resolve(tag + "-kernels.csv"), k);

    StringBuilder p =
        new StringBuilder(
            "scaling,executors,parameters,batch_per_executor,compute_ms,broadcast_ms,"
                + "aggregation_ms,scheduling_ms,step_ms,iteration_ms,efficiency\n");
    for (Projected pj : projections()) {
      ScalingModel.Projection x = pj.p();
      p.append(
          f(
              "%s,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f\n",
              pj.scaling(),
              x.executors(),
              x.parameters(),
              x.batchPerExecutor(),
              x.computeMs(),
              x.broadcastMs(),
              x.aggregationMs(),
              x.schedulingMs(),
              x.stepMs(),
              x.totalMs(),
              pj.efficiency()));
    }
    BenchMarkdown.raw(dir.resolve(tag + "-projection.csv"), p);
  }

  String json() {
    ObjectNode j = Json.MAPPER.createObjectNode();
    put(
        j,
        "mode",
        options.quick() ? "quick" : "full",
        "commit",
        environment.commit(),
        "date",
        ZonedDateTime.now().toString(),
        "seconds",
        setup.seconds());
    put(
        j.putObject("machine"),
        "cpu",
        environment.cpu() + ", " + environment.cpus() + " CPUs",
        "cores",
        setup.cores(),
        "master",
        setup.master(),
        "java",
        environment.java(),
        "spark",
        environment.spark(),
        "load_start",
        setup.loadStart(),
        "load_end",
        setup.loadEnd(),
        "polyak_kernel",
        setup.polyakKernel(),
        "mllib_blas",
        setup.mllibBlas());
    put(j.putObject("data"), "train_rows", setup.trainRows(), "test_rows", setup.testRows());
    ArrayNode targets = j.putArray("targets");
    for (Target t : targets()) {
      put(
          targets.addObject(),
          "name",
          t.name(),
          "measured",
          t.measured(),
          "bound",
          t.bound(),
          "at_least",
          t.atLeast(),
          "met",
          t.met());
    }
    ArrayNode ml = j.putArray("mllib");
    for (MllibBaseline.Fit m : mllib) {
      put(
          ml.addObject(),
          "max_iter",
          m.maxIter(),
          "iterations",
          m.iterations(),
          "evaluations",
          m.evaluations(),
          "seconds",
          m.seconds(),
          "test_accuracy",
          m.testAccuracy(),
          "examples_per_second",
          m.examplesPerSecond(),
          "examples_per_task_second",
          m.examplesPerTaskSecond());
    }
    ArrayNode polyak = j.putArray("polyak");
    for (PolyakRuns.Curve c : curves) {
      put(
          polyak.addObject(),
          "run",
          c.name(),
          "precision",
          c.precision().text(),
          "configuration",
          c.description(),
          "parameters",
          c.parameters(),
          "iterations",
          c.phases().size(),
          "train_seconds",
          c.trainSeconds(),
          "examples_per_second",
          c.examplesPerSecond(),
          "examples_per_task_second",
          c.examplesPerTaskSecond(),
          "final_accuracy",
          c.finalAccuracy(),
          "best_accuracy",
          c.bestAccuracy());
    }
    ArrayNode reach = j.putArray("reach");
    for (Reach r : reaches()) {
      put(
          reach.addObject(),
          "label",
          r.label(),
          "accuracy",
          r.accuracy(),
          "polyak_sigmoid_s",
          r.polyakSigmoidSeconds(),
          "polyak_best_s",
          r.polyakBestSeconds(),
          "polyak_best_float64_s",
          r.polyakBestFloat64Seconds(),
          "polyak_best_long_lived_s",
          r.polyakBestLongLivedSeconds(),
          "mllib_s",
          r.mllibSeconds(),
          "mllib_lower_bound_s",
          r.mllibLowerBoundSeconds(),
          "speedup",
          r.speedup());
    }
    put(
        j.putObject("efficiency"),
        "gemm_gflops_float32",
        gemmGflops(Precision.FLOAT32),
        "gemm_gflops_float64",
        gemmGflops(Precision.FLOAT64),
        "training_float32",
        trainingEfficiency(Precision.FLOAT32),
        "training_float64",
        trainingEfficiency(Precision.FLOAT64),
        "task_float32",
        taskEfficiency(Precision.FLOAT32),
        "task_float64",
        taskEfficiency(Precision.FLOAT64),
        "float32_speedup",
        float32Speedup(),
        "cache_bytes_float32",
        setup.cacheBytesFloat32(),
        "cache_bytes_float64",
        setup.cacheBytesFloat64(),
        "compute_ratio",
        computeRatio());
    PolyakRuns.Phase ph = bestMedianPhase(Precision.FLOAT32);
    put(
        j.putObject("phases_ms"),
        "broadcast",
        ph.broadcastMs(),
        "compute",
        ph.computeMs(),
        "job_rest",
        ph.jobRestMs(),
        "scheduling",
        bestSchedulingMs,
        "step",
        ph.stepMs(),
        "spark_overhead",
        overhead(ph),
        "spark_overhead_b1024",
        sparkOverhead());
    put(
        j.putObject("fit"),
        "c_ms",
        fit.c(),
        "alpha_ms",
        fit.alpha(),
        "beta_ms",
        fit.beta(),
        "r2",
        fit.r2(),
        "ce_ms",
        fit.ce(),
        "broadcast_a_ms",
        fit.ab(),
        "broadcast_beta_ms",
        fit.betaB(),
        "aggregation_a_ms",
        fit.aa(),
        "aggregation_beta_ms",
        fit.betaA(),
        "scheduling_alpha0_ms",
        fit.alpha0(),
        "scheduling_alphat_ms",
        fit.alphaT(),
        "step_a_ms",
        fit.as(),
        "step_beta_ms",
        fit.betaS());
    ArrayNode ns = j.putArray("notes");
    notes.forEach(ns::add);
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the bench report: " + e.getMessage(), e);
    }
  }

  /**
   * Puts key/value pairs into {@code o}: texts, whole numbers and booleans as they are, other
   * numbers to six significant digits (as the tables print them), null when not finite.
   */
  private static void put(ObjectNode o, Object... keyValues) {
    for (int i = 0; i < keyValues.length; i += 2) {
      String key = (String) keyValues[i];
      Object v = keyValues[i + 1];
      if (v instanceof Double d) {
        if (Double.isFinite(d)) {
          o.put(key, Double.parseDouble(f("%.6g", d)));
        } else {
          o.putNull(key);
        }
      } else if (v instanceof Long n) {
        o.put(key, n);
      } else if (v instanceof Integer n) {
        o.put(key, n);
      } else if (v instanceof Boolean b) {
        o.put(key, b);
      } else {
        o.put(key, v == null ? null : v.toString());
      }
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static String num(double v, String unit) {
    if (!Double.isFinite(v)) {
      return "—";
    }
    if (unit.equals(" points")) {
      return f("%.2f points", v);
    }
    return unit.equals("×") ? f("%.2f×", v) : f("%.1f %%", 100 * v);
  }

  private static String sec(double v) {
    return Double.isFinite(v) ? f("%.1f", v) : "not reached";
  }
}
