package polyak.spark.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.spark.cli.Sessions;
import polyak.spark.train.Aggregation;
import polyak.spark.train.SparkGradientSource;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.AdversarialSpec;
import polyak.train.GradientResult;

/**
 * {@code polyak bench scale}: per aggregation mode, the bytes the driver receives per iteration
 * (serialized results of the gradient jobs' result tasks, from Spark's task metrics), the shuffle
 * bytes the executors exchange, and the median gradient-job time, on each master given — one task
 * per core. Synthetic rows (the bytes do not depend on the data); the gradient is computed for
 * real.
 */
final class AggregationBenchmark {
  static final String TAG = "scale";

  private AggregationBenchmark() {}

  /** One master × mode. */
  record Line(
      String master,
      int partitions,
      String mode,
      int parameters,
      double medianJobMs,
      double medianComputeMs,
      double driverBytes,
      double shuffleWriteBytes,
      double shuffleReadBytes) {

    double perValue() {
      return driverBytes / (8.0 * parameters);
    }
  }

  static List<Line> run(
      List<String> masters,
      int hidden,
      int rows,
      int batch,
      int iterations,
      Path markdown,
      PrintStream out)
      throws Exception {
    NetworkSpec spec =
        SpecParser.network(
            "scale",
            "input 784\ndense "
                + hidden
                + "\nrelu\ndense "
                + hidden / 2
                + "\nrelu\ndense 10\nloss softmax_ce\n");
    Dataset all = synthetic(rows);
    Environment env = Environment.probe();
    double loadBefore = Environment.loadAverage();
    List<Line> lines = new ArrayList<>();
    for (String master : masters) {
      try (SparkSession spark = Sessions.create("polyak bench scale", master)) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TaskMeter meter = new TaskMeter();
        sc.sc().addSparkListener(meter);
        int partitions = sc.defaultParallelism();
        Dataset[] blocks = new Dataset[partitions];
        int[] sizes = new int[partitions];
        for (int p = 0, from = 0; p < partitions; p++) {
          // uneven on purpose, as real partitions are
          sizes[p] = p == partitions - 1 ? rows - from : rows / partitions + (p % 2 == 0 ? 7 : -7);
          blocks[p] = all.slice(from, sizes[p]);
          from += sizes[p];
        }
        JavaRDD<Dataset> data = sc.parallelize(List.of(blocks), partitions).cache();
        data.count();
        for (Aggregation.Mode mode :
            List.of(Aggregation.Mode.DIRECT, Aggregation.Mode.TREE, Aggregation.Mode.SHARDED)) {
          Network network = Network.build(spec);
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
                  batch,
                  new Aggregation(mode, 0),
                  AdversarialSpec.NONE,
                  null,
                  1);
          double[] g = new double[params.length];
          double[] s = new double[state.length];
          String label = master + " " + mode;
          for (int t = 0; t < 3; t++) {
            source.gradient(t, params, state, g, s);
          }
          meter.label(label);
          double[] jobMs = new double[iterations];
          double[] computeMs = new double[iterations];
          for (int t = 0; t < iterations; t++) {
            java.util.Arrays.fill(g, 0);
            java.util.Arrays.fill(s, 0);
            GradientResult r = source.gradient(3 + t, params, state, g, s);
            jobMs[t] = r.timing().jobMs();
            computeMs[t] = r.timing().computeMs();
          }
          meter.label("(none)");
          TaskMeter.Totals totals = meter.totals(sc.sc(), label);
          source.close();
          Line line =
              new Line(
                  master,
                  partitions,
                  source.aggregation().describe(),
                  params.length,
                  PolyakRuns.median(jobMs),
                  PolyakRuns.median(computeMs),
                  (double) totals.resultBytes / iterations,
                  (double) totals.shuffleWriteBytes / iterations,
                  (double) totals.shuffleReadBytes / iterations);
          lines.add(line);
          out.println(format(line));
        }
      }
    }
    String section = markdown(env, loadBefore, Environment.loadAverage(), batch, iterations, lines);
    out.print(section);
    if (markdown != null) {
      BenchMarkdown.splice(markdown, TAG, section);
    }
    return lines;
  }

  static String format(Line l) {
    return String.format(
        Locale.ROOT,
        "%-10s %2d tasks  %-20s P=%d  driver in %,10.0f B/iter (%.3f x 8P)  shuffle write %,10.0f"
            + " read %,10.0f B/iter  job median %.1f ms (compute %.1f ms)",
        l.master(),
        l.partitions(),
        l.mode(),
        l.parameters(),
        l.driverBytes(),
        l.perValue(),
        l.shuffleWriteBytes(),
        l.shuffleReadBytes(),
        l.medianJobMs(),
        l.medianComputeMs());
  }

  static String markdown(
      Environment env,
      double loadBefore,
      double loadAfter,
      int batch,
      int iterations,
      List<Line> lines) {
    StringBuilder b = new StringBuilder();
    b.append("## Aggregation modes: the driver's inbound bytes per iteration (issue 13)\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "`polyak bench scale` at commit %s: %s. One-minute load average %.1f before, %.1f after"
                + " (the machine was shared with other jobs: the times are indicative, the bytes are"
                + " not affected). Batch %d, %d measured iterations per line after 3 warm-up"
                + " iterations, synthetic rows, one task per core. *Driver in*: serialized results"
                + " of the gradient job's result tasks (Spark's task metrics), per iteration; *x 8P*:"
                + " that over the gradient's P float64 values.\n\n",
            env.commit(),
            env.describe(),
            loadBefore,
            loadAfter,
            batch,
            iterations));
    b.append(
        "| master | tasks | mode | P | driver in (B/iter) | x 8P | shuffle write (B/iter) |"
            + " shuffle read (B/iter) | job median (ms) | compute median (ms) |\n");
    b.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Line l : lines) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %d | %,.0f | %.3f | %,.0f | %,.0f | %.1f | %.1f |\n",
              l.master(),
              l.partitions(),
              l.mode(),
              l.parameters(),
              l.driverBytes(),
              l.perValue(),
              l.shuffleWriteBytes(),
              l.shuffleReadBytes(),
              l.medianJobMs(),
              l.medianComputeMs()));
    }
    return b.toString();
  }

  static Dataset synthetic(int rows) {
    SplittableRandom rng = new SplittableRandom(13);
    double[] x = new double[rows * 784];
    int[] y = new int[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextDouble();
    }
    for (int r = 0; r < rows; r++) {
      y[r] = rng.nextInt(10);
    }
    return Dataset.classification("synthetic", 784, x, y, 10, 0);
  }
}
