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
import polyak.spark.cli.Sessions;
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
 * 784-1024-512-10), and the bytes the driver receives per iteration. Then {@link
 * CommunicationModel} refitted on the communication-only points and projected to 8/64/512 executors
 * × 8 cores.
 */
final class ClusterScaleBenchmark {
  static final String TAG = "scale-cluster";
  static final int ROWS_PER_PARTITION = 256;
  static final int BATCH_PER_TASK = 128;
  static final int WARMUP_JOBS = 30;
  static final int WARMUP_PER_POINT = 3;

  private ClusterScaleBenchmark() {}

  /** One measured point. */
  record Point(
      int workers,
      String mode,
      boolean sharded,
      boolean compute,
      long parameters,
      double broadcastMs,
      double computeMs,
      double jobMs,
      double iterationMs,
      double driverBytes,
      double shuffleWriteBytes,
      double shuffleReadBytes,
      double driverCpuMs) {}

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
    double ce = computePerExampleParameter(points);
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
    try (SparkSession spark = Sessions.create("polyak bench scale (cluster)", master)) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      awaitExecutors(sc, n);
      TaskMeter meter = new TaskMeter();
      sc.sc().addSparkListener(meter);
      int[] sizes = new int[n];
      Arrays.fill(sizes, ROWS_PER_PARTITION);
      JavaRDD<Dataset> data =
          sc.parallelize(IntStream.range(0, n).boxed().toList(), n)
              .map(new SyntheticBlock(ROWS_PER_PARTITION))
              .cache();
      data.count();
      boolean first = true;
      for (String spec : List.of(small, large)) {
        for (Aggregation.Mode mode : List.of(Aggregation.Mode.DIRECT, Aggregation.Mode.SHARDED)) {
          Network network = Network.build(SpecParser.network("scale", spec));
          double[] params = new double[network.parameterCount()];
          double[] state = new double[network.stateSize()];
          network.initialise(1, params, state);
          SparkGradientSource source =
              new SparkGradientSource(
                  sc,
                  network,
                  data,
                  sizes,
                  null,
                  1,
                  BATCH_PER_TASK * n,
                  new Aggregation(mode, 0),
                  AdversarialSpec.NONE,
                  null,
                  1);
          if (first) {
            runIterations(source, false, params, state, WARMUP_JOBS, 0);
            first = false;
          }
          for (boolean compute : spec.equals(small) ? List.of(true, false) : List.of(false)) {
            runIterations(source, compute, params, state, WARMUP_PER_POINT, 0);
            String label = n + " " + mode + " " + params.length + " " + compute;
            meter.label(label);
            double[][] ms = runIterations(source, compute, params, state, iterations, 100);
            meter.label("(none)");
            TaskMeter.Totals t = meter.totals(sc.sc(), label);
            Point p =
                new Point(
                    n,
                    source.aggregation().describe(),
                    mode == Aggregation.Mode.SHARDED,
                    compute,
                    params.length,
                    PolyakRuns.median(ms[0]),
                    PolyakRuns.median(ms[1]),
                    PolyakRuns.median(ms[2]),
                    PolyakRuns.median(ms[3]),
                    (double) t.resultBytes / iterations,
                    (double) t.shuffleWriteBytes / iterations,
                    (double) t.shuffleReadBytes / iterations,
                    PolyakRuns.median(ms[4]));
            points.add(p);
            out.println(format(p));
          }
          source.close();
        }
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

  /** Rows: broadcast, compute, job, broadcast + job, in ms, one column per iteration. */
  private static double[][] runIterations(
      SparkGradientSource source,
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
              : CommunicationOnly.gradient(source, firstT + i, params, state, g, s);
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

  /** c_e: median task compute ÷ (examples per task × P), over the real-compute points on ≤ 2. */
  static double computePerExampleParameter(List<Point> points) {
    List<Double> v = new ArrayList<>();
    for (Point p : points) {
      if (p.compute() && p.workers() <= 2) {
        v.add(p.computeMs() / ((double) BATCH_PER_TASK * p.parameters()));
      }
    }
    return v.isEmpty() ? 0 : PolyakRuns.median(v.stream().mapToDouble(d -> d).toArray());
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
        "%d worker(s) %-20s P=%,d %-13s iteration %.1f ms (broadcast %.1f, compute %.1f, job %.1f)"
            + "  driver in %,.0f B/iter (%.3f x 8P)  shuffle write %,.0f read %,.0f B/iter",
        p.workers(),
        p.mode(),
        p.parameters(),
        p.compute() ? "compute" : "communication",
        p.iterationMs(),
        p.broadcastMs(),
        p.computeMs(),
        p.jobMs(),
        p.driverBytes(),
        p.driverBytes() / (8.0 * p.parameters()),
        p.shuffleWriteBytes(),
        p.shuffleReadBytes());
  }

  static String csv(List<Point> points) {
    StringBuilder b =
        new StringBuilder(
            "workers,mode,compute,parameters,iteration_ms,broadcast_ms,compute_ms,job_ms,"
                + "driver_bytes,shuffle_write_bytes,shuffle_read_bytes,driver_cpu_ms\n");
    for (Point p : points) {
      b.append(
          String.format(
              Locale.ROOT,
              "%d,%s,%b,%d,%.3f,%.3f,%.3f,%.3f,%.0f,%.0f,%.0f,%.3f\n",
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
              p.driverCpuMs()));
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
                + " iterations per line after %d warm-up iterations (plus %d per cluster). **This"
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
            WARMUP_JOBS));
    b.append("![iteration time vs workers](docs/bench/scale.png)\n\n");
    b.append(
        "| workers | mode | P | what runs | iteration (ms) | broadcast | task compute | job |"
            + " driver in (B/iter) | × 8P | shuffle write (B/iter) | shuffle read (B/iter) |"
            + " driver CPU (ms) |\n");
    b.append("|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Point p : points) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %,d | %s | %.1f | %.1f | %.1f | %.1f | %,.0f | %.3f | %,.0f | %,.0f | %.1f |\n",
              p.workers(),
              p.mode(),
              p.parameters(),
              p.compute() ? "compute" : "communication only",
              p.iterationMs(),
              p.broadcastMs(),
              p.computeMs(),
              p.jobMs(),
              p.driverBytes(),
              p.driverBytes() / (8.0 * p.parameters()),
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
    b.append(model(fit));
    b.append(driverBound(points, emptyJobMs, fit.ce()));
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
      for (Point q : points) {
        if (q.sharded() && !q.compute() && q.parameters() == p && q.workers() >= 2) {
          per.append(
              String.format(
                  Locale.ROOT, " %d workers %.3f;", q.workers(), q.driverBytes() / (8.0 * p)));
        }
      }
      if (per.length() > 0) {
        b.append(
            String.format(
                Locale.ROOT,
                "- sharded driver inbound bytes ÷ 8P, P = %,d:%s target ≤ 1.2, independent of the"
                    + " executors\n",
                p,
                per.substring(0, per.length() - 1)));
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

  static String driverBound(List<Point> points, Map<Integer, double[]> emptyJobMs, double ce) {
    CommunicationModel.DriverFit d = driverFit(points, emptyJobMs, ce);
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
                + " inbound byte. Assumes: per-task scheduling %.2f ms (σ_cpu), driver inbound at"
                + " max(β_cpu, %.0f Gbit/s), θ's broadcast and the sharded shuffle at %.0f Gbit/s"
                + " per executor link (executors have their own cores), fixed cost %.1f ms (the"
                + " 1-worker empty job), c_e as above. A lower bound on the cost, not a"
                + " measurement of a cluster.\n\n",
            d.sigmaCpu(),
            d.betaCpu() * 1e6,
            d.betaCpu() > 0 ? String.format(Locale.ROOT, "%.2f", 8 / d.betaCpu() / 1e6) : "n/a",
            d.r2(),
            Math.max(d.sigmaCpu(), 0),
            CommunicationModel.LINK_BYTES_PER_MS * 8 * 1e3 / 1e9,
            CommunicationModel.LINK_BYTES_PER_MS * 8 * 1e3 / 1e9,
            d.fixedMs()));
    b.append(
        "| mode | executors × cores | P | compute (ms) | scheduling (ms) | bytes (ms) | fixed (ms)"
            + " | iteration (ms) | efficiency |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (long p : List.of(235_146L, 5_000_000L)) {
      for (boolean sharded : List.of(false, true)) {
        for (int e : List.of(8, 64, 512)) {
          b.append(
              row(CommunicationModel.projectDriverBound(d, sharded, e, 8, p, 1024), e, p, sharded));
        }
      }
    }
    return b.append('\n').toString();
  }

  private static String row(CommunicationModel.Projection q, int e, long p, boolean sharded) {
    return String.format(
        Locale.ROOT,
        "| %s | %d × 8 | %,d | %.0f | %.0f | %.0f | %.0f | %.0f | %s%.1f %%%s |\n",
        sharded ? "sharded" : "direct",
        e,
        p,
        q.computeMs(),
        q.schedulingMs(),
        q.bytesMs(),
        q.fixedMs(),
        q.totalMs(),
        e == 64 && p == 5_000_000L ? "**" : "",
        100 * q.efficiency(),
        e == 64 && p == 5_000_000L ? "**" : "");
  }

  static String model(CommunicationModel.Fit f) {
    StringBuilder b = new StringBuilder();
    b.append(
        "**Refitted model** (`CommunicationModel`, least squares over the communication-only"
            + " points above): T = α + α_s·[sharded] + σ·tasks + β_θ·8P + β_d·(driver in) +"
            + " β_x·(shuffle read per reducer), with tasks = N (direct) or 2N (sharded: N gradient"
            + " tasks + N slice reducers).\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "| constant | value | from |\n|---|---:|---|\n"
                + "| σ, per-task scheduling cost | %.2f ms | slope of the communication-only time"
                + " in tasks (1–8 workers; from 4 on the executors share 2 cores, so this is an"
                + " upper bound) |\n"
                + "| β_d, driver's inbound cost per byte | %.3f ms/MB (≈ %s Gbit/s effective) |"
                + " direct communication-only points: driver in grows as N × 8P |\n"
                + "| β_x, shuffle read per byte per reducer | %.3f ms/MB | sharded"
                + " communication-only points |\n"
                + "| β_θ, per byte of θ (broadcast, driver sums) | %.3f ms/MB | both modes, P ="
                + " 235k and 1.3M |\n"
                + "| α, fixed cost per iteration; α_s, sharded's extra stage | %.1f ms; %.1f ms |"
                + " intercepts |\n"
                + "| c_e, compute per example-parameter | %.3g ms | median task compute of the"
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
            f.ce(),
            BATCH_PER_TASK,
            f.r2()));
    b.append(
        String.format(
            Locale.ROOT,
            "**Projection** (weak scaling, 1024 examples per core, executors of 8 cores, one task"
                + " per core). Assumes: per-task scheduling σ = %.2f ms (measured above); every"
                + " byte costs max(the measured per-byte cost, a %.0f Gbit/s link); sharded uses one"
                + " slice per core, so each reducer reads 8P bytes and each executor's link carries"
                + " its 8 reducers' 8 × 8P bytes; θ's broadcast grows with the torrent's ⌈log2 E⌉ rounds past the 3"
                + " measured. Efficiency = compute ÷ (compute + scheduling + bytes + fixed).\n\n",
            Math.max(f.sigma(), 0),
            CommunicationModel.LINK_BYTES_PER_MS * 8 * 1e3 / 1e9));
    b.append(
        "| mode | executors × cores | P | compute (ms) | scheduling (ms) | bytes (ms) | fixed (ms)"
            + " | iteration (ms) | efficiency |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (long p : List.of(235_146L, 5_000_000L)) {
      for (boolean sharded : List.of(false, true)) {
        for (int e : List.of(8, 64, 512)) {
          CommunicationModel.Projection q = CommunicationModel.project(f, sharded, e, 8, p, 1024);
          b.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %d × 8 | %,d | %.0f | %.0f | %.0f | %.0f | %.0f | %s%.1f %%%s |\n",
                  sharded ? "sharded" : "direct",
                  e,
                  p,
                  q.computeMs(),
                  q.schedulingMs(),
                  q.bytesMs(),
                  q.fixedMs(),
                  q.totalMs(),
                  e == 64 && p == 5_000_000L ? "**" : "",
                  100 * q.efficiency(),
                  e == 64 && p == 5_000_000L ? "**" : ""));
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

  /** Executor side: partition p's synthetic rows, generated where they are cached. */
  static final class SyntheticBlock implements Function<Integer, Dataset> {
    private final int rows;

    SyntheticBlock(int rows) {
      this.rows = rows;
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
      return Dataset.classification("synthetic", 784, x, y, 10, (long) partition * rows);
    }
  }
}
