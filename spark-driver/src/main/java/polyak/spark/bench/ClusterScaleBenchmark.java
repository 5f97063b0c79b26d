package polyak.spark.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.sql.SparkSession;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.spark.cli.Sessions;
import polyak.spark.config.ConfigLoader;
import polyak.spark.report.Charts;
import polyak.spark.train.Aggregation;
import polyak.spark.train.CommunicationOnly;
import polyak.spark.train.SparkGradientSource;
import polyak.spec.SpecParser;
import polyak.train.AdversarialSpec;
import polyak.train.GradientResult;

/**
 * {@code polyak bench scale --cluster-workers 1,2,4,8}: real standalone clusters on this machine
 * (deploy/standalone-cluster, one after another, each stopped afterwards), N single-core workers,
 * one partition per worker. Per aggregation mode (direct, sharded) the median iteration split with
 * real compute (784-256-128-10) and with compute switched off ({@link CommunicationOnly}: the same
 * job returning fixed incompressible gradients of the full size; 784-256-128-10 and
 * 784-1024-512-10), and the bytes the driver receives per iteration, all in the default
 * training.precision (float32: θ and the gradients travel as 4-byte values, the rows are cached in
 * float32); on 1 and 2 workers also the real-compute line of a float64 network, for the float64
 * compute cost. Then {@link CommunicationModel} refitted on the communication-only points and
 * projected to 8/64/512 executors × 8 cores, for the float64 one-task-per-core layout and for
 * polyak's default (float32, one task per executor).
 */
final class ClusterScaleBenchmark {
  static final String TAG = "scale-cluster";
  static final int ROWS_PER_PARTITION = 256;
  static final int BATCH_PER_TASK = 128;
  static final int WARMUP_JOBS = 30;
  static final int WARMUP_PER_POINT = 3;

  private ClusterScaleBenchmark() {}

  /** One measured point; {@code bytesPerValue}: its precision's (4 float32, 8 float64). */
  record Point(
      int workers,
      String mode,
      boolean sharded,
      boolean compute,
      long parameters,
      int bytesPerValue,
      double broadcastMs,
      double computeMs,
      double jobMs,
      double iterationMs,
      double driverBytes,
      double shuffleWriteBytes,
      double shuffleReadBytes,
      double driverCpuMs) {
    Precision precision() {
      return bytesPerValue == 4 ? Precision.FLOAT32 : Precision.FLOAT64;
    }
  }

  /** training.precision of a default config: what polyak trains in unless told otherwise. */
  static Precision defaultPrecision() {
    return ConfigLoader.parse("", List.of(), "polyak bench scale").precision();
  }

  static List<Point> run(
      List<Integer> workerCounts,
      int iterations,
      Path script,
      Path appJar,
      Path markdown,
      PrintStream out)
      throws Exception {
    if (!Files.isExecutable(script)) {
      throw new IOException(script + ": not found (run from the repository root)");
    }
    if (!Files.isRegularFile(appJar)) {
      throw new IOException(
          appJar + ": the app jar is missing (./mvnw -pl spark-driver -am package -DskipTests)");
    }
    Environment env = Environment.probe();
    double loadBefore = Environment.loadAverage();
    long started = System.nanoTime();
    String small = spec(256);
    String large = spec(1024);
    Path stateRoot = Files.createTempDirectory("polyak-bench-scale");
    List<Point> points = new ArrayList<>();
    Map<Integer, double[]> emptyJobMs = new TreeMap<>();
    for (int n : workerCounts) {
      out.printf(Locale.ROOT, "starting %d worker(s) ...%n", n);
      try (BenchCluster cluster =
          BenchCluster.start(script, stateRoot.resolve("cluster-" + n), n, "1g")) {
        points.addAll(
            measure(cluster.masterUrl, n, appJar, small, large, iterations, emptyJobMs, out));
      }
    }
    double minutes = (System.nanoTime() - started) / 6e10;
    double ce = computePerExampleParameter(points, defaultPrecision());
    CommunicationModel.Fit fit = CommunicationModel.fit(communicationPoints(points), ce);
    String section =
        markdown(
            env,
            loadBefore,
            Environment.loadAverage(),
            minutes,
            iterations,
            points,
            emptyJobMs,
            fit);
    out.print(section);
    if (markdown != null) {
      Path dir = markdown.toAbsolutePath().getParent().resolve("docs/bench");
      Files.createDirectories(dir);
      chart(points, dir.resolve("scale.png"));
      BenchMarkdown.raw(dir.resolve("scale.csv"), csv(points));
      BenchMarkdown.splice(markdown, TAG, section);
    }
    return points;
  }

  /** spark-driver/target/polyak-app-*.jar under the working directory (the newest). */
  static Path defaultAppJar() throws IOException {
    Path target = Path.of("spark-driver/target");
    if (!Files.isDirectory(target)) {
      return target.resolve("polyak-app.jar");
    }
    try (var s = Files.list(target)) {
      return s.filter(p -> p.getFileName().toString().matches("polyak-app-.*\\.jar"))
          .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified()))
          .orElse(target.resolve("polyak-app.jar"));
    }
  }

  static String spec(int hidden) {
    return "input 784\ndense "
        + hidden
        + "\nrelu\ndense "
        + hidden / 2
        + "\nrelu\ndense 10\nloss softmax_ce\n";
  }

  private static List<Point> measure(
      String master,
      int n,
      Path appJar,
      String small,
      String large,
      int iterations,
      Map<Integer, double[]> emptyJobMs,
      PrintStream out)
      throws Exception {
    String[][] props = {
      {"spark.jars", appJar.toAbsolutePath().toString()},
      {"spark.driver.host", "127.0.0.1"},
      {"spark.driver.bindAddress", "127.0.0.1"},
      {"spark.executor.memory", "768m"},
      {"spark.cores.max", Integer.toString(n)},
      {"spark.ui.enabled", "false"}
    };
    for (String[] p : props) {
      System.setProperty(p[0], p[1]);
    }
    List<Point> points = new ArrayList<>();
    Precision precision = defaultPrecision();
    try (SparkSession spark = Sessions.create("polyak bench scale (cluster)", master)) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      awaitExecutors(sc, n);
      TaskMeter meter = new TaskMeter();
      sc.sc().addSparkListener(meter);
      int[] sizes = new int[n];
      Arrays.fill(sizes, ROWS_PER_PARTITION);
      JavaRDD<Dataset> data = syntheticData(sc, n, precision);
      boolean first = true;
      for (String spec : List.of(small, large)) {
        for (Aggregation.Mode mode : List.of(Aggregation.Mode.DIRECT, Aggregation.Mode.SHARDED)) {
          Network network = Network.build(SpecParser.network("scale", spec), precision);
          double[] params = new double[network.parameterCount()];
          double[] state = new double[network.stateSize()];
          network.initialise(1, params, state);
          SparkGradientSource source = source(sc, network, data, sizes, mode);
          if (first) {
            runIterations(source, precision, false, params, state, WARMUP_JOBS, 0);
            first = false;
          }
          for (boolean compute : spec.equals(small) ? List.of(true, false) : List.of(false)) {
            Point p =
                measurePoint(sc, meter, n, source, precision, compute, params, state, iterations);
            points.add(p);
            out.println(format(p));
          }
          source.close();
        }
      }
      if (n <= 2 && precision != Precision.FLOAT64) {
        // the float64 compute cost, for the float64 projection: same line, float64 network and rows
        JavaRDD<Dataset> wide = syntheticData(sc, n, Precision.FLOAT64);
        Network network = Network.build(SpecParser.network("scale", small), Precision.FLOAT64);
        double[] params = new double[network.parameterCount()];
        double[] state = new double[network.stateSize()];
        network.initialise(1, params, state);
        SparkGradientSource source = source(sc, network, wide, sizes, Aggregation.Mode.DIRECT);
        Point p =
            measurePoint(sc, meter, n, source, Precision.FLOAT64, true, params, state, iterations);
        points.add(p);
        out.println(format(p));
        source.close();
        wide.unpersist();
      }
      // the scheduling floor: one no-op task per worker over the same cached partitions
      double[] empty = new double[iterations];
      double[] emptyCpu = new double[iterations];
      for (int i = 0; i < iterations; i++) {
        long t0 = System.nanoTime();
        long c0 = driverCpuNanos();
        data.foreachPartition(new NoOp());
        empty[i] = (System.nanoTime() - t0) / 1e6;
        emptyCpu[i] = (driverCpuNanos() - c0) / 1e6;
      }
      emptyJobMs.put(n, new double[] {PolyakRuns.median(empty), PolyakRuns.median(emptyCpu)});
      out.printf(
          Locale.ROOT,
          "%d worker(s) empty job %.1f ms (driver CPU %.1f ms)%n",
          n,
          emptyJobMs.get(n)[0],
          emptyJobMs.get(n)[1]);
    } finally {
      for (String[] p : props) {
        System.clearProperty(p[0]);
      }
    }
    return points;
  }

  /**
   * n partitions of synthetic rows, cached (in float32 for a float32 network, as training does).
   */
  private static JavaRDD<Dataset> syntheticData(JavaSparkContext sc, int n, Precision precision) {
    JavaRDD<Dataset> data =
        sc.parallelize(IntStream.range(0, n).boxed().toList(), n)
            .map(new SyntheticBlock(ROWS_PER_PARTITION, precision == Precision.FLOAT32))
            .cache();
    data.count();
    return data;
  }

  private static SparkGradientSource source(
      JavaSparkContext sc,
      Network network,
      JavaRDD<Dataset> data,
      int[] sizes,
      Aggregation.Mode mode) {
    return new SparkGradientSource(
        sc,
        network,
        data,
        sizes,
        null,
        1,
        BATCH_PER_TASK * sizes.length,
        new Aggregation(mode, 0),
        AdversarialSpec.NONE,
        null,
        1);
  }

  /**
   * After {@link #WARMUP_PER_POINT} warm-up iterations, the medians of {@code iterations} measured
   * ones and the task metrics' bytes per iteration.
   */
  private static Point measurePoint(
      JavaSparkContext sc,
      TaskMeter meter,
      int n,
      SparkGradientSource source,
      Precision precision,
      boolean compute,
      double[] params,
      double[] state,
      int iterations) {
    String label =
        n
            + " "
            + source.aggregation().describe()
            + " "
            + params.length
            + " "
            + compute
            + " "
            + precision;
    runIterations(source, precision, compute, params, state, WARMUP_PER_POINT, 0);
    meter.label(label);
    double[][] ms = runIterations(source, precision, compute, params, state, iterations, 100);
    meter.label("(none)");
    TaskMeter.Totals t = meter.totals(sc.sc(), label);
    return new Point(
        n,
        source.aggregation().describe(),
        source.aggregation().mode() == Aggregation.Mode.SHARDED,
        compute,
        params.length,
        precision.bytes(),
        PolyakRuns.median(ms[0]),
        PolyakRuns.median(ms[1]),
        PolyakRuns.median(ms[2]),
        PolyakRuns.median(ms[3]),
        (double) t.resultBytes / iterations,
        (double) t.shuffleWriteBytes / iterations,
        (double) t.shuffleReadBytes / iterations,
        PolyakRuns.median(ms[4]));
  }

  /** Rows: broadcast, compute, job, broadcast + job, in ms, one column per iteration. */
  private static double[][] runIterations(
      SparkGradientSource source,
      Precision precision,
      boolean compute,
      double[] params,
      double[] state,
      int count,
      long firstT) {
    double[] g = new double[params.length];
    double[] s = new double[state.length];
    double[][] ms = new double[5][count];
    for (int i = 0; i < count; i++) {
      long c0 = driverCpuNanos();
      Arrays.fill(g, 0);
      Arrays.fill(s, 0);
      GradientResult r =
          compute
              ? source.gradient(firstT + i, params, state, g, s)
              : CommunicationOnly.gradient(source, precision, firstT + i, params, state, g, s);
      ms[0][i] = r.timing().broadcastMs();
      ms[1][i] = r.timing().computeMs();
      ms[2][i] = r.timing().jobMs();
      ms[3][i] = r.timing().broadcastMs() + r.timing().jobMs();
      ms[4][i] = (driverCpuNanos() - c0) / 1e6;
    }
    return ms;
  }

  /** CPU time of this (the driver's) JVM, all threads: its serial work per task and per byte. */
  static long driverCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void awaitExecutors(JavaSparkContext sc, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (sc.sc().statusTracker().getExecutorInfos().length - 1 < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only fewer than " + n + " executors registered in 180 s");
      }
      Thread.sleep(200);
    }
  }

  /**
   * c_e in {@code precision}: median task compute ÷ (examples per task × P), over its direct-mode
   * real-compute points on ≤ 2 workers (the float64 line is direct only: the same points in both
   * precisions); NaN when there is none.
   */
  static double computePerExampleParameter(List<Point> points, Precision precision) {
    List<Double> v = new ArrayList<>();
    for (Point p : points) {
      if (p.compute() && !p.sharded() && p.workers() <= 2 && p.precision() == precision) {
        v.add(p.computeMs() / ((double) BATCH_PER_TASK * p.parameters()));
      }
    }
    return v.isEmpty() ? Double.NaN : PolyakRuns.median(v.stream().mapToDouble(d -> d).toArray());
  }

  static List<CommunicationModel.Point> communicationPoints(List<Point> points) {
    List<CommunicationModel.Point> c = new ArrayList<>();
    for (Point p : points) {
      if (!p.compute()) {
        c.add(
            new CommunicationModel.Point(
                p.sharded(),
                p.workers(),
                p.parameters(),
                CommunicationOnly.BROADCAST_PRECISION.bytes(),
                p.driverBytes(),
                p.shuffleReadBytes(),
                p.iterationMs()));
      }
    }
    return c;
  }

  static String format(Point p) {
    return String.format(
        Locale.ROOT,
        "%d worker(s) %-20s P=%,d %s %-13s iteration %.1f ms (broadcast %.1f, compute %.1f, job"
            + " %.1f)  driver in %,.0f B/iter (%.3f x %dP)  shuffle write %,.0f read %,.0f B/iter",
        p.workers(),
        p.mode(),
        p.parameters(),
        p.precision(),
        p.compute() ? "compute" : "communication",
        p.iterationMs(),
        p.broadcastMs(),
        p.computeMs(),
        p.jobMs(),
        p.driverBytes(),
        p.driverBytes() / ((double) p.bytesPerValue() * p.parameters()),
        p.bytesPerValue(),
        p.shuffleWriteBytes(),
        p.shuffleReadBytes());
  }

  static String csv(List<Point> points) {
    StringBuilder b =
        new StringBuilder(
            "workers,mode,compute,parameters,iteration_ms,broadcast_ms,compute_ms,job_ms,"
                + "driver_bytes,shuffle_write_bytes,shuffle_read_bytes,driver_cpu_ms,"
                + "bytes_per_value\n");
    for (Point p : points) {
      b.append(
          String.format(
              Locale.ROOT,
              "%d,%s,%b,%d,%.3f,%.3f,%.3f,%.3f,%.0f,%.0f,%.0f,%.3f,%d\n",
              p.workers(),
              p.sharded() ? "sharded" : "direct",
              p.compute(),
              p.parameters(),
              p.iterationMs(),
              p.broadcastMs(),
              p.computeMs(),
              p.jobMs(),
              p.driverBytes(),
              p.shuffleWriteBytes(),
              p.shuffleReadBytes(),
              p.driverCpuMs(),
              p.bytesPerValue()));
    }
    return b.toString();
  }

  static void chart(List<Point> points, Path png) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Point p : points) {
      String key =
          (p.sharded() ? "sharded" : "direct")
              + ", P = "
              + String.format(Locale.ROOT, "%,d", p.parameters())
              + ", "
              + p.precision()
              + (p.compute() ? ", compute" : ", communication only");
      XYSeries s;
      int i = data.getSeriesIndex(key);
      if (i < 0) {
        s = new XYSeries(key);
        data.addSeries(s);
      } else {
        s = data.getSeries(i);
      }
      s.add(p.workers(), p.iterationMs());
    }
    JFreeChart c =
        ChartFactory.createXYLineChart(
            "Median iteration time vs single-core workers (one 2-core machine)",
            "workers (1 core each; beyond 2 they share 2 cores)",
            "median iteration, ms",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    Charts.style(c, true);
    c.getXYPlot().getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    File f = png.toFile();
    ChartUtils.saveChartAsPNG(f, c, 1200, 680);
  }

  static String markdown(
      Environment env,
      double loadBefore,
      double loadAfter,
      double minutes,
      int iterations,
      List<Point> points,
      Map<Integer, double[]> emptyJobMs,
      CommunicationModel.Fit fit) {
    StringBuilder b = new StringBuilder();
    b.append("## Measured curves on real standalone clusters (issue 13, `polyak bench scale");
    b.append(" --cluster-workers`)\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "At commit %s: %s. One-minute load average %.1f before, %.1f after; the run took %.1f"
                + " min. Each worker count is its own cluster (`deploy/standalone-cluster`, single-core"
                + " workers, each running one executor JVM, stopped afterwards), one partition of %d"
                + " synthetic rows per worker, %d examples per task per iteration, %d measured"
                + " iterations per line after %d warm-up iterations (plus %d per cluster), in %s (the"
                + " default training.precision%s; the driver sums in float64, and sharded"
                + " aggregation's slice sums reach it as float64, 8 bytes a value). **This"
                + " machine has 2 cores: from 4 workers on, the executors share them**, so the"
                + " real-compute lines are oversubscribed; the communication-only lines (each task"
                + " fetches θ and returns a gradient of the full size, fixed incompressible values, no"
                + " network run) are the"
                + " useful ones, and even they include the CPU the 4 or 8 executor JVMs take from"
                + " each other. *Iteration*: broadcast + gradient job (the driver's optimizer step is"
                + " not included); *driver in*: serialized results of the iteration's result tasks"
                + " (Spark's task metrics), per iteration. Chart:"
                + " [docs/bench/scale.png](docs/bench/scale.png), figures:"
                + " [docs/bench/scale.csv](docs/bench/scale.csv).\n\n",
            env.commit(),
            env.describe(),
            loadBefore,
            loadAfter,
            minutes,
            ROWS_PER_PARTITION,
            BATCH_PER_TASK,
            iterations,
            WARMUP_PER_POINT,
            WARMUP_JOBS,
            measured(points),
            measured(points) == Precision.FLOAT32
                ? ": each gradient and shuffled slice travels as 4-byte floats, the real-compute"
                    + " lines broadcast θ as 4-byte floats (the communication-only lines as 8-byte"
                    + " doubles: `SparkGradientSource`'s task path does not round θ), the rows are"
                    + " cached in float32; on 1 and 2 workers one float64 real-compute line as well,"
                    + " for the float64 compute cost"
                : ""));
    b.append("![iteration time vs workers](docs/bench/scale.png)\n\n");
    b.append(
        "| workers | mode | P | precision | what runs | iteration (ms) | broadcast | task compute |"
            + " job | driver in (B/iter) | ÷ (P × bytes per value) | shuffle write (B/iter) |"
            + " shuffle read (B/iter) | driver CPU (ms) |\n");
    b.append("|---:|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Point p : points) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %,d | %s | %s | %.1f | %.1f | %.1f | %.1f | %,.0f | %.3f | %,.0f | %,.0f |"
                  + " %.1f |\n",
              p.workers(),
              p.mode(),
              p.parameters(),
              p.precision(),
              p.compute() ? "compute" : "communication only",
              p.iterationMs(),
              p.broadcastMs(),
              p.computeMs(),
              p.jobMs(),
              p.driverBytes(),
              p.driverBytes() / ((double) p.bytesPerValue() * p.parameters()),
              p.shuffleWriteBytes(),
              p.shuffleReadBytes(),
              p.driverCpuMs()));
    }
    b.append('\n');
    if (!emptyJobMs.isEmpty()) {
      b.append(
          "Empty job (one no-op task per worker over the same cached partitions), median wall"
              + " time (driver JVM CPU time):");
      emptyJobMs.forEach(
          (n, ms) ->
              b.append(
                  String.format(
                      Locale.ROOT,
                      " %d worker%s %.1f ms (%.1f);",
                      n,
                      n == 1 ? "" : "s",
                      ms[0],
                      ms[1])));
      b.setLength(b.length() - 1);
      b.append(".\n\n");
    }
    b.append(targets(points));
    b.append(model(fit, points));
    b.append(driverBound(points, emptyJobMs));
    return b.toString();
  }

  private static String targets(List<Point> points) {
    StringBuilder b = new StringBuilder("**Targets (issue 13), measured:**\n\n");
    List<Long> sizes = points.stream().map(Point::parameters).distinct().sorted().toList();
    for (long p : sizes) {
      for (boolean sharded : List.of(false, true)) {
        Point one = find(points, 1, sharded, p);
        Point eight = find(points, maxWorkers(points), sharded, p);
        if (one != null && eight != null && one != eight) {
          b.append(
              String.format(
                  Locale.ROOT,
                  "- communication only, %s, P = %,d: %.1f ms at 1 worker → %.1f ms at %d workers"
                      + " (%.2f×; target ≤ 2× in the best mode)\n",
                  sharded ? "sharded" : "direct",
                  p,
                  one.iterationMs(),
                  eight.iterationMs(),
                  eight.workers(),
                  eight.iterationMs() / one.iterationMs()));
        }
      }
    }
    for (long p : sizes) {
      StringBuilder per = new StringBuilder();
      StringBuilder sums = new StringBuilder();
      int bytes = 8;
      for (Point q : points) {
        if (q.sharded() && !q.compute() && q.parameters() == p && q.workers() >= 2) {
          bytes = q.bytesPerValue();
          per.append(
              String.format(
                  Locale.ROOT,
                  " %d workers %.3f;",
                  q.workers(),
                  q.driverBytes() / ((double) bytes * p)));
          sums.append(
              String.format(
                  Locale.ROOT,
                  " %.3f;",
                  q.driverBytes() / ((double) CommunicationModel.SUM_BYTES_PER_VALUE * p)));
        }
      }
      if (per.length() > 0) {
        b.append(
            String.format(
                Locale.ROOT,
                "- sharded driver inbound bytes ÷ (P × %d B, the wire's bytes per value), P = %,d:%s"
                    + " target ≤ 1.2, independent of the executors%s\n",
                bytes,
                p,
                per.substring(0, per.length() - 1),
                bytes == CommunicationModel.SUM_BYTES_PER_VALUE
                    ? ""
                    : "; the slice sums reach the driver in float64, so ÷ 8P:"
                        + sums.substring(0, sums.length() - 1)));
      }
    }
    return b.append('\n').toString();
  }

  private static int maxWorkers(List<Point> points) {
    return points.stream().mapToInt(Point::workers).max().orElse(1);
  }

  private static Point find(List<Point> points, int workers, boolean sharded, long p) {
    for (Point q : points) {
      if (!q.compute() && q.workers() == workers && q.sharded() == sharded && q.parameters() == p) {
        return q;
      }
    }
    return null;
  }

  static CommunicationModel.DriverFit driverFit(
      List<Point> points, Map<Integer, double[]> emptyJobMs, double ce) {
    List<double[]> rows = new ArrayList<>();
    for (Point p : points) {
      if (!p.compute()) {
        rows.add(
            new double[] {
              p.sharded() ? 2 * p.workers() : p.workers(), p.driverBytes(), p.driverCpuMs()
            });
      }
    }
    double[] one = emptyJobMs.get(1);
    return CommunicationModel.fitDriver(rows, one == null ? 0 : one[0], ce);
  }

  static String driverBound(List<Point> points, Map<Integer, double[]> emptyJobMs) {
    CommunicationModel.DriverFit d = driverFit(points, emptyJobMs, Double.NaN);
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "**Second projection: the driver's serial work and the link only.** The wall-time fit"
                + " above charges every task and byte with the contention of up to 8 executor JVMs"
                + " on 2 cores. The driver JVM's CPU time per communication-only iteration"
                + " (`OperatingSystemMXBean.getProcessCpuTime`, all its threads) fitted as a +"
                + " σ_cpu·tasks + β_cpu·(driver in) gives σ_cpu = %.2f ms per task and β_cpu = %.3f"
                + " ms/MB (≈ %s Gbit/s), R² = %.3f: what the driver itself spends per task and per"
                + " inbound byte. Assumes: per-task scheduling cost %.2f ms (σ_cpu, measured),"
                + " driver inbound at max(β_cpu, an assumed %.0f Gbit/s link), θ's broadcast and the"
                + " sharded shuffle at the assumed %.0f Gbit/s per executor link (executors have"
                + " their own cores), fixed cost %.1f ms (the 1-worker empty job); layouts, bytes"
                + " per value and c_e as in the first projection. A lower bound on the cost, not a"
                + " measurement of a cluster.\n\n",
            d.sigmaCpu(),
            d.betaCpu() * 1e6,
            d.betaCpu() > 0 ? String.format(Locale.ROOT, "%.2f", 8 / d.betaCpu() / 1e6) : "n/a",
            d.r2(),
            Math.max(d.sigmaCpu(), 0),
            linkGbits(),
            linkGbits(),
            d.fixedMs()));
    b.append(PROJECTION_HEADER);
    for (long p : List.of(235_146L, 5_000_000L)) {
      for (Projected l : layouts(points)) {
        for (boolean sharded : List.of(false, true)) {
          for (int e : List.of(8, 64, 512)) {
            b.append(
                row(
                    CommunicationModel.projectDriverBound(
                        d.withCe(l.ce().ms()), sharded, e, l.layout(), p, 1024)));
          }
        }
      }
    }
    return b.append('\n').toString();
  }

  private static final String PROJECTION_HEADER =
      "| mode | layout | executors × cores | tasks | P | compute (ms) | scheduling (ms) | bytes (ms)"
          + " | fixed (ms) | iteration (ms) | efficiency |\n"
          + "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";

  private static String row(CommunicationModel.Projection q) {
    int tasks = q.layout().tasks(q.executors());
    boolean key = q.executors() == 64 && q.parameters() == 5_000_000L;
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d × %d | %s | %,d | %.0f | %.0f | %.0f | %.0f | %.0f | %s%.1f %%%s |\n",
        q.sharded() ? "sharded" : "direct",
        q.layout().describe(),
        q.executors(),
        q.layout().cores(),
        q.sharded() ? tasks + " + " + tasks : Integer.toString(tasks),
        q.parameters(),
        q.computeMs(),
        q.schedulingMs(),
        q.bytesMs(),
        q.fixedMs(),
        q.totalMs(),
        key ? "**" : "",
        100 * q.efficiency(),
        key ? "**" : "");
  }

  private static double linkGbits() {
    return CommunicationModel.LINK_BYTES_PER_MS * 8 * 1e3 / 1e9;
  }

  /**
   * The float32 ÷ float64 executor compute time of the default job on local[2] (13.0 vs 20.5 ms per
   * iteration, README "Precision"): used only to scale a c_e the run did not measure.
   */
  static final double FLOAT32_OVER_FLOAT64_COMPUTE = 13.0 / 20.5;

  /** c_e of one precision and where it comes from. */
  record ComputeCost(Precision precision, double ms, String from) {}

  /**
   * c_e in {@code precision}: measured when the run has its real-compute points, else the other
   * precision's scaled by {@link #FLOAT32_OVER_FLOAT64_COMPUTE} (and said so), else NaN.
   */
  static ComputeCost computeCost(List<Point> points, Precision precision) {
    double measured = computePerExampleParameter(points, precision);
    if (!Double.isNaN(measured)) {
      return new ComputeCost(precision, measured, "measured");
    }
    Precision other = precision == Precision.FLOAT32 ? Precision.FLOAT64 : Precision.FLOAT32;
    double o = computePerExampleParameter(points, other);
    double ratio =
        precision == Precision.FLOAT32
            ? FLOAT32_OVER_FLOAT64_COMPUTE
            : 1 / FLOAT32_OVER_FLOAT64_COMPUTE;
    return new ComputeCost(
        precision,
        o * ratio,
        String.format(
            Locale.ROOT,
            "assumed: not measured in this run, the measured %s c_e × %.3f (13.0 vs 20.5 ms executor"
                + " compute per iteration, float32 vs float64, default job on local[2], README"
                + " \"Precision\")",
            other,
            ratio));
  }

  /** The precision the communication-only points ran in (the run's default precision). */
  static Precision measured(List<Point> points) {
    for (Point p : points) {
      if (!p.compute()) {
        return p.precision();
      }
    }
    return points.isEmpty() ? Precision.FLOAT64 : points.get(0).precision();
  }

  /** A projected layout with the compute cost of its precision. */
  record Projected(CommunicationModel.Layout layout, ComputeCost ce) {}

  /**
   * The layouts projected: float64 with one task per core (what the projection assumed before) and
   * polyak's default, one task per executor whose threads take its 8 cores, in the run's precision.
   */
  static List<Projected> layouts(List<Point> points) {
    Precision d = measured(points);
    return List.of(
        new Projected(
            CommunicationModel.Layout.taskPerCore(8, Precision.FLOAT64.bytes()),
            computeCost(points, Precision.FLOAT64)),
        new Projected(
            CommunicationModel.Layout.taskPerExecutor(8, d.bytes()), computeCost(points, d)));
  }

  static String model(CommunicationModel.Fit f, List<Point> points) {
    StringBuilder b = new StringBuilder();
    Precision measured = measured(points);
    b.append(
        String.format(
            Locale.ROOT,
            "**Refitted model** (`CommunicationModel`, least squares over the communication-only"
                + " points above, %s): T = α + α_s·[sharded] + σ·tasks + β_θ·bP + β_d·(driver in)"
                + " + β_x·(shuffle read per reducer), with tasks = N (direct) or 2N (sharded: N"
                + " gradient tasks + N slice reducers) and b = %d bytes per value of the broadcast"
                + " θ (the communication-only job broadcasts θ in %s whatever the gradients'"
                + " precision: `SparkGradientSource`'s task path does not round it).\n\n",
            measured,
            CommunicationOnly.BROADCAST_PRECISION.bytes(),
            CommunicationOnly.BROADCAST_PRECISION));
    StringBuilder ce = new StringBuilder();
    for (Precision p : List.of(Precision.FLOAT32, Precision.FLOAT64)) {
      ComputeCost c = computeCost(points, p);
      ce.append(
          String.format(
              Locale.ROOT,
              "%s %.3g ms (%s)%s",
              p,
              c.ms(),
              c.from(),
              p == Precision.FLOAT32 ? "; " : ""));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "| constant | value | from |\n|---|---:|---|\n"
                + "| σ, per-task scheduling cost | %.2f ms | slope of the communication-only time"
                + " in tasks (1–8 workers; from 4 on the executors share 2 cores, so this is an"
                + " upper bound) |\n"
                + "| β_d, driver's inbound cost per byte | %.3f ms/MB (≈ %s Gbit/s effective) |"
                + " direct communication-only points: driver in grows as N × bP |\n"
                + "| β_x, shuffle read per byte per reducer | %.3f ms/MB | sharded"
                + " communication-only points |\n"
                + "| β_θ, per byte of θ (broadcast, driver sums) | %.3f ms/MB | both modes, P ="
                + " 235k and 1.3M |\n"
                + "| α, fixed cost per iteration; α_s, sharded's extra stage | %.1f ms; %.1f ms |"
                + " intercepts |\n"
                + "| c_e, compute per example-parameter | %s | median task compute of the direct"
                + " real-compute points on 1 and 2 workers (not oversubscribed) ÷ (%d examples ×"
                + " P) |\n\nFit R² = %.3f. Negative fitted constants count as 0 in the"
                + " projection.\n\n",
            f.sigma(),
            f.betaDriver() * 1e6,
            f.betaDriver() > 0
                ? String.format(Locale.ROOT, "%.2f", 8 * f.driverBytesPerMs() * 1e3 / 1e9)
                : "n/a",
            f.betaShuffle() * 1e6,
            f.betaTheta() * 1e6,
            f.alpha(),
            f.alphaSharded(),
            ce,
            BATCH_PER_TASK,
            f.r2()));
    b.append(
        String.format(
            Locale.ROOT,
            "**Projection** (weak scaling, 1024 examples per core, executors of 8 cores) in two"
                + " layouts: *8 tasks per executor, float64* — one single-thread task per core and"
                + " 8 bytes per value (spark.threads_per_task = 1, training.precision = float64;"
                + " what this projection assumed before), and *1 task per executor × 8 threads,"
                + " %s* — polyak's default (spark.threads_per_task = 0: one task per executor"
                + " whose threads split its share over the cores and whose thread gradients are"
                + " summed in the task; training.precision = %s, %d bytes per value), so E"
                + " gradient tasks and one gradient of %dP bytes per executor. Assumes: per-task"
                + " scheduling cost σ = %.2f ms (measured above, an upper bound); a %.0f Gbit/s"
                + " link (assumed): every byte costs max(the measured per-byte cost, the link's);"
                + " θ's broadcast is bP bytes per round and grows with the torrent's ⌈log2 E⌉"
                + " rounds past the 3 measured; sharded uses one slice per gradient task, so each"
                + " reducer reads bP bytes, each executor's link carries its reducers' (tasks per"
                + " executor) × bP bytes and the driver receives the slice sums in float64, 8P"
                + " bytes; compute = c_e (of the layout's precision, see the table above) × 1024 ×"
                + " P, i.e. the threads of a task assumed to scale linearly over the cores, the"
                + " in-task sum of 8 thread gradients not modelled. *tasks*: gradient tasks (+ slice"
                + " reducers). Efficiency = compute ÷ (compute + scheduling + bytes + fixed).\n\n",
            measured,
            measured,
            measured.bytes(),
            measured.bytes(),
            Math.max(f.sigma(), 0),
            linkGbits()));
    b.append(PROJECTION_HEADER);
    for (long p : List.of(235_146L, 5_000_000L)) {
      for (Projected l : layouts(points)) {
        for (boolean sharded : List.of(false, true)) {
          for (int e : List.of(8, 64, 512)) {
            b.append(
                row(
                    CommunicationModel.project(
                        f.withCe(l.ce().ms()), sharded, e, l.layout(), p, 1024)));
          }
        }
      }
    }
    return b.append('\n').toString();
  }

  /** An empty task: what a job costs with nothing to do. */
  static final class NoOp implements VoidFunction<Iterator<Dataset>> {
    @Override
    public void call(Iterator<Dataset> rows) {}
  }

  /**
   * Executor side: partition p's synthetic rows, generated where they are cached (held in float32
   * when {@code float32}, as training in float32 caches them).
   */
  static final class SyntheticBlock implements Function<Integer, Dataset> {
    private final int rows;
    private final boolean float32;

    SyntheticBlock(int rows, boolean float32) {
      this.rows = rows;
      this.float32 = float32;
    }

    @Override
    public Dataset call(Integer partition) {
      SplittableRandom rng = new SplittableRandom(13 + partition);
      double[] x = new double[rows * 784];
      int[] y = new int[rows];
      for (int i = 0; i < x.length; i++) {
        x[i] = rng.nextDouble();
      }
      for (int r = 0; r < rows; r++) {
        y[r] = rng.nextInt(10);
      }
      Dataset d = Dataset.classification("synthetic", 784, x, y, 10, (long) partition * rows);
      return float32 ? d.toFloat32() : d;
    }
  }
}
