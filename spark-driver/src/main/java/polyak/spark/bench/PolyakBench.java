package polyak.spark.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import polyak.data.PixelScaling;
import polyak.nn.kernel.DenseKernels;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.BlockStorage;
import polyak.spark.data.LoadedData;
import polyak.spark.data.TrainingData;

/**
 * {@code polyak bench}: in one JVM and one Spark session, on the same cached Fashion-MNIST blocks,
 * Spark MLlib's MLP against polyak (same topology, then polyak's best configuration), GEMM speed of
 * the dense kernels, the per-phase split of an iteration, short sweeps of batch, partitions and
 * parameter count, a least-squares model of iteration time and its projection to many executors.
 * Writes a section of BENCHMARKS.md and raw CSV/JSON.
 */
public final class PolyakBench {
  /**
   * What to run. MLlib fits run in the given order (the full run puts its longest fit second, so a
   * slow machine still gets MLlib's best accuracy); a fit predicted to end past {@code
   * budgetSeconds} from the start is skipped, and the report says so.
   */
  public record Options(
      boolean quick,
      long trainLimit,
      long testLimit,
      int[] mllibMaxIters,
      int epochs,
      int batch,
      long evaluateEvery,
      int[] sweepBatches,
      int[] sweepPartitions,
      long[] sweepParameters,
      int warmup,
      int measured,
      int kernelRepeats,
      double budgetSeconds,
      long seed) {
    public static Options full() {
      return new Options(
          false,
          0,
          0,
          new int[] {25, 100, 50},
          5,
          1024,
          10,
          new int[] {256, 512, 1024, 2048, 4096, 8192},
          new int[] {1, 2, 4},
          new long[] {100_000, 235_146, 1_000_000, 2_500_000, 5_000_000},
          2,
          5,
          15,
          1600,
          42);
    }

    public static Options quickRun() {
      return new Options(
          true,
          2000,
          1000,
          new int[] {3},
          2,
          512,
          2,
          new int[] {256, 1024},
          new int[] {1, 2},
          new long[] {100_000, 1_000_000},
          1,
          3,
          3,
          100,
          42);
    }
  }

  static final String HIDDEN_MLLIB = "sigmoid";

  /** The name of polyak's best configuration trained in float64 (the others run in float32). */
  static final String BEST_FLOAT64 = "polyak-best-float64";

  /**
   * The name of polyak's best configuration in float32 with long-lived gradient tasks
   * (spark.long_lived_tasks: one barrier job for the run, same bits as polyak-best).
   */
  static final String BEST_LONG_LIVED = "polyak-best-long-lived";

  /**
   * polyak's best optimizer on this data, shared by the comparison and {@code polyak bench
   * distributed}.
   */
  static final List<String> BEST_OPTIMIZER =
      List.of(
          "optimizer.name=adam",
          "learning_rate.schedule=cosine",
          "learning_rate.initial=0.002",
          "learning_rate.end=0.0001",
          "learning_rate.warmup_iterations=50",
          "learning_rate.warmup_start=0.0002");

  private PolyakBench() {}

  /**
   * Runs everything and writes {@code markdown} (own section only) and raw files under {@code
   * outDir}.
   */
  public static BenchReport run(
      SparkSession spark, Options o, Path markdown, Path outDir, PrintStream out)
      throws IOException {
    long started = System.nanoTime();
    double loadStart = Environment.loadAverage();
    TaskMeter meter = new TaskMeter();
    spark.sparkContext().addSparkListener(meter);
    int cores = spark.sparkContext().defaultParallelism();
    String master = spark.sparkContext().master();
    String mllibBlas = dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName();
    out.printf(
        "polyak bench (%s): master %s, %d cores, polyak kernel %s, MLlib BLAS %s, load %.2f%n",
        o.quick() ? "quick" : "full", master, cores, DenseKernels.name(), mllibBlas, loadStart);
    List<String> notes = new ArrayList<>();
    try {
      PolyakConfig base = config(o, List.of());
      LoadedData train = load(spark, base, false, cores);
      LoadedData test = load(spark, base, true, cores);
      // the default precision's training blocks (float32: half the cache); MLlib and the float64
      // run read the float64 ones
      LoadedData train32 = load(spark, base, false, cores).inFloat32();
      long cache64 = BlockStorage.of(train.blocks()).memoryBytes();
      long cache32 = BlockStorage.of(train32.blocks()).memoryBytes();
      out.println("data: " + train.description() + "; " + test.description());
      out.printf(
          Locale.ROOT,
          "cached training blocks (Spark storage, memory): float64 %.1f MiB, float32 %.1f MiB%n",
          cache64 / 1048576.0,
          cache32 / 1048576.0);

      // GEMM speed and single-thread network speed at the per-partition batch.
      int perPartition = Math.max(1, o.batch() / cores);
      List<KernelBenchmark.Row> kernels =
          KernelBenchmark.run(
              config(o, List.of(relu(256, 128))).network(), perPartition, o.kernelRepeats(), out);

      // Scheduling cost per task: trivial jobs of 2, 8, 32 tasks (for the projection).
      Map<Integer, Double> trivialJobMs = new TreeMap<>();
      for (int tasks : new int[] {2, 8, 32}) {
        trivialJobMs.put(
            tasks,
            PolyakRuns.trivialJobMs(
                JavaSparkContext.fromSparkContext(spark.sparkContext()), tasks, o.quick() ? 3 : 9));
      }
      out.println("trivial job ms by tasks: " + trivialJobMs);
      List<BenchReport.SweepRow> sweep = sweeps(spark, meter, o, base, train32, cores, out);
      ScalingModel.Fit fit =
          ScalingModel.fit(
              BenchReport.samples(sweep),
              trivialJobMs.keySet().stream().mapToDouble(Integer::doubleValue).toArray(),
              trivialJobMs.values().stream().mapToDouble(Double::doubleValue).toArray());
      out.printf(
          Locale.ROOT,
          "fit: c = %.3e ms per example-parameter, alpha = %.1f ms, beta = %.3e ms per "
              + "parameter, R² %.3f%n",
          fit.c(),
          fit.alpha(),
          fit.beta(),
          fit.r2());

      List<PolyakRuns.Curve> curves = curves(spark, meter, o, train32, train, test, out);
      double bestSchedulingMs = PolyakRuns.emptyJobMs(train32.blocks(), o.quick() ? 5 : 9);
      List<MllibBaseline.Fit> mllib = mllibFits(spark, meter, o, train, test, started, notes, out);
      train.unpersist();
      train32.unpersist();
      test.unpersist();
      BenchReport report =
          new BenchReport(
              o,
              Environment.probe(),
              new BenchReport.Setup(
                  master,
                  cores,
                  DenseKernels.name(),
                  mllibBlas,
                  loadStart,
                  Environment.loadAverage(),
                  train.rows(),
                  test.rows(),
                  (System.nanoTime() - started) / 1e9,
                  cache64,
                  cache32),
              perPartition,
              kernels,
              trivialJobMs,
              bestSchedulingMs,
              sweep,
              fit,
              curves,
              mllib,
              notes);
      report.write(markdown, outDir, out);
      return report;
    } finally {
      spark.sparkContext().removeSparkListener(meter);
    }
  }

  /**
   * Short timed runs in the default precision (float32, on float32 blocks): batch at the default
   * network and `cores` partitions; partitions at the default batch; parameters at the default
   * batch and `cores` partitions.
   */
  private static List<BenchReport.SweepRow> sweeps(
      SparkSession spark,
      TaskMeter meter,
      Options o,
      PolyakConfig base,
      LoadedData train,
      int cores,
      PrintStream out) {
    Map<Integer, LoadedData> byK = new TreeMap<>();
    byK.put(cores, train);
    for (int k : o.sweepPartitions()) {
      if (!byK.containsKey(k)) {
        byK.put(k, load(spark, base, false, k).inFloat32());
      }
    }
    List<BenchReport.SweepRow> rows = new ArrayList<>();
    for (int b : o.sweepBatches()) {
      rows.add(sweep(spark, meter, o, "batch", relu(256, 128), b, byK.get(cores), cores, out));
    }
    for (int k : o.sweepPartitions()) {
      rows.add(
          sweep(spark, meter, o, "partitions", relu(256, 128), o.batch(), byK.get(k), cores, out));
    }
    for (long p : o.sweepParameters()) {
      int h = widthFor(p);
      rows.add(
          sweep(
              spark,
              meter,
              o,
              "parameters",
              relu(h, h / 2),
              o.batch(),
              byK.get(cores),
              cores,
              out));
    }
    for (var e : byK.entrySet()) {
      if (e.getKey() != cores) {
        e.getValue().unpersist();
      }
    }
    return rows;
  }

  /**
   * Training curves in the default precision (float32, on {@code train32}): polyak with MLlib's
   * topology (sigmoid), then polyak's best configuration, per-iteration jobs and long-lived tasks;
   * then the best configuration in float64 (on {@code train64}).
   */
  private static List<PolyakRuns.Curve> curves(
      SparkSession spark,
      TaskMeter meter,
      Options o,
      LoadedData train32,
      LoadedData train64,
      LoadedData test,
      PrintStream out) {
    List<String> common = new ArrayList<>(BEST_OPTIMIZER);
    common.add("training.batch_size=" + o.batch());
    common.add("training.epochs=" + o.epochs());
    common.add("evaluation.every=" + o.evaluateEvery());
    String schedule =
        "Adam + cosine 0.002→1e-4 (50 warm-up), batch " + o.batch() + ", " + o.epochs() + " epochs";
    List<PolyakRuns.Curve> curves = new ArrayList<>();
    List<String> sig = new ArrayList<>(common);
    sig.add(layers(256, 128, HIDDEN_MLLIB));
    curves.add(
        PolyakRuns.curve(
            spark,
            meter,
            "polyak-sigmoid",
            "784-256-128-10 sigmoid, " + schedule + ", float32",
            config(o, sig),
            train32,
            test));
    List<String> best = new ArrayList<>(common);
    best.add(layers(256, 128, "relu"));
    curves.add(
        PolyakRuns.curve(
            spark,
            meter,
            "polyak-best",
            "784-256-128-10 ReLU, " + schedule + ", float32",
            config(o, best),
            train32,
            test));
    List<String> longLived = new ArrayList<>(best);
    longLived.add("spark.long_lived_tasks=true");
    curves.add(
        PolyakRuns.curve(
            spark,
            meter,
            BEST_LONG_LIVED,
            "784-256-128-10 ReLU, " + schedule + ", float32, long-lived tasks",
            config(o, longLived),
            train32,
            test));
    List<String> best64 = new ArrayList<>(best);
    best64.add("training.precision=float64");
    curves.add(
        PolyakRuns.curve(
            spark,
            meter,
            BEST_FLOAT64,
            "784-256-128-10 ReLU, " + schedule + ", float64",
            config(o, best64),
            train64,
            test));
    for (PolyakRuns.Curve c : curves) {
      out.printf(
          Locale.ROOT,
          "%s: %d iterations in %.1f s of training, %.0f examples/s, final test accuracy %.4f, "
              + "best %.4f%n",
          c.name(),
          c.phases().size(),
          c.trainSeconds(),
          c.examplesPerSecond(),
          c.finalAccuracy(),
          c.bestAccuracy());
    }
    return curves;
  }

  /**
   * MLlib on DataFrames built from the same cached blocks. A one-iteration probe fit gives MLlib's
   * cost per iteration on this machine now; each planned fit runs only if it is predicted to end
   * within the budget; if none would, the longest fit that does is run instead (and {@code notes}
   * says so). The probe's time is a fit's fixed cost plus its first iteration; a further iteration
   * costs about 1.1 loss-and-gradient evaluations (L-BFGS's line search rarely needs a second one).
   */
  private static List<MllibBaseline.Fit> mllibFits(
      SparkSession spark,
      TaskMeter meter,
      Options o,
      LoadedData train,
      LoadedData test,
      long started,
      List<String> notes,
      PrintStream out) {
    meter.label("mllib data");
    org.apache.spark.sql.Dataset<Row> trainDf = MllibBaseline.frame(spark, train);
    org.apache.spark.sql.Dataset<Row> testDf = MllibBaseline.frame(spark, test);
    List<MllibBaseline.Fit> fits = new ArrayList<>();
    MllibBaseline.Fit probe = mllibFit(spark, meter, trainDf, train.rows(), testDf, 1, o, out);
    fits.add(probe);
    double fixed = probe.seconds();
    double perIteration = 1.1 * probe.seconds() / Math.max(1, probe.evaluations());
    boolean ranPlanned = false;
    for (int m : o.mllibMaxIters()) {
      double elapsed = (System.nanoTime() - started) / 1e9;
      double predicted = fixed + (m - 1) * perIteration;
      if (elapsed + predicted > o.budgetSeconds()) {
        notes.add(
            String.format(
                Locale.ROOT,
                "MLlib maxIter %d skipped: predicted %.0f s (%.1f s per "
                    + "iteration) would end past the %.0f s budget (%.0f s used)",
                m,
                predicted,
                perIteration,
                o.budgetSeconds(),
                elapsed));
        out.println(notes.get(notes.size() - 1));
        continue;
      }
      MllibBaseline.Fit f = mllibFit(spark, meter, trainDf, train.rows(), testDf, m, o, out);
      fits.add(f);
      if (f.iterations() > 1) {
        perIteration = Math.max(0, f.seconds() - fixed) / (f.iterations() - 1);
      }
      ranPlanned = true;
    }
    double left = o.budgetSeconds() - (System.nanoTime() - started) / 1e9;
    int affordable = (int) Math.floor((left - fixed) / perIteration) + 1;
    if (!ranPlanned && affordable >= 2) {
      notes.add(
          String.format(
              Locale.ROOT,
              "MLlib: no planned fit fitted the budget; ran maxIter %d instead",
              affordable));
      fits.add(mllibFit(spark, meter, trainDf, train.rows(), testDf, affordable, o, out));
    }
    fits.sort(java.util.Comparator.comparingInt(MllibBaseline.Fit::maxIter));
    trainDf.unpersist();
    testDf.unpersist();
    return fits;
  }

  private static MllibBaseline.Fit mllibFit(
      SparkSession spark,
      TaskMeter meter,
      org.apache.spark.sql.Dataset<Row> train,
      long rows,
      org.apache.spark.sql.Dataset<Row> test,
      int maxIter,
      Options o,
      PrintStream out) {
    MllibBaseline.Fit f =
        MllibBaseline.fit(
            spark, meter, train, rows, test, new int[] {784, 256, 128, 10}, maxIter, o.seed());
    out.printf(
        Locale.ROOT,
        "MLlib maxIter %d: %d iterations, %d evaluations, %.1f s, test accuracy %.4f%n",
        maxIter,
        f.iterations(),
        f.evaluations(),
        f.seconds(),
        f.testAccuracy());
    return f;
  }

  private static BenchReport.SweepRow sweep(
      SparkSession spark,
      TaskMeter meter,
      Options o,
      String kind,
      String layers,
      int batch,
      LoadedData data,
      int cores,
      PrintStream out) {
    List<String> ov = new ArrayList<>(BEST_OPTIMIZER);
    ov.add(layers);
    ov.add("training.batch_size=" + batch);
    ov.add("training.max_iterations=" + (o.warmup() + o.measured()));
    ov.add("training.epochs=1000");
    ov.add("evaluation.every=1000000");
    PolyakRuns.Timed t =
        PolyakRuns.timed(spark, meter, config(o, ov), data, o.warmup(), o.measured());
    double sched = PolyakRuns.emptyJobMs(data.blocks(), o.quick() ? 3 : 7);
    PolyakRuns.Phase p = t.median();
    out.printf(
        Locale.ROOT,
        "sweep %-10s P=%8d B=%5d k=%d: %7.1f ms (broadcast %.1f, compute %.1f, job rest %.1f,"
            + " step %.1f)%n",
        kind,
        t.parameters(),
        t.batch(),
        t.partitions(),
        p.totalMs(),
        p.broadcastMs(),
        p.computeMs(),
        p.jobRestMs(),
        p.stepMs());
    return new BenchReport.SweepRow(kind, t, cores, sched);
  }

  static String relu(int h1, int h2) {
    return layers(h1, h2, "relu");
  }

  static String layers(int h1, int h2, String activation) {
    return "network.layers=[\"dense "
        + h1
        + "\","
        + activation
        + ",\"dense "
        + h2
        + "\","
        + activation
        + ",\"dense 10\"]";
  }

  /**
   * Even hidden width h of 784-h-h/2-10 with about {@code parameters} parameters (0.5h² + 790.5h +
   * 10).
   */
  static int widthFor(long parameters) {
    if (parameters == 235_146) {
      return 256;
    }
    double h = (-790.5 + Math.sqrt(790.5 * 790.5 + 2.0 * (parameters - 10))) / 1.0;
    return Math.max(2, (int) Math.round(h / 2) * 2);
  }

  private static PolyakConfig config(Options o, List<String> overrides) {
    List<String> all = new ArrayList<>();
    all.add("training.seed=" + o.seed());
    all.add("data.scaling=pixels");
    if (o.trainLimit() > 0) {
      all.add("data.train.limit=" + o.trainLimit());
    }
    if (o.testLimit() > 0) {
      all.add("data.test.limit=" + o.testLimit());
    }
    all.addAll(overrides);
    return ConfigLoader.parse("", all, "polyak bench");
  }

  /**
   * Training (or test) data in {@code partitions} cached blocks, scaled x/255 like the defaults.
   */
  private static LoadedData load(
      SparkSession spark, PolyakConfig c, boolean testSet, int partitions) {
    LoadedData d = TrainingData.load(spark, testSet ? c.test() : c.train(), partitions);
    return d.preprocessed(PixelScaling.INSTANCE);
  }
}
