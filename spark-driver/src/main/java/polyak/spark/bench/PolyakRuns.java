package polyak.spark.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.LoadedData;
import polyak.spark.train.LongLivedGradientSource;
import polyak.spark.train.SparkGradientSource;
import polyak.spark.train.SparkTrainer;
import polyak.train.EvaluationReport;
import polyak.train.GradientSource;
import polyak.train.GradientTiming;
import polyak.train.StepReport;
import polyak.train.TrainResult;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * polyak's side of the benchmark: training curves against a training-only clock, and short timed
 * runs.
 */
final class PolyakRuns {
  /**
   * Test accuracy after {@code step} iterations and {@code seconds} of training (evaluations
   * excluded).
   */
  record Point(long step, double epoch, double seconds, double accuracy, double loss) {}

  /**
   * One iteration's wall-time split, ms: broadcast, slowest executor's compute, rest of job, driver
   * step.
   */
  record Phase(double broadcastMs, double computeMs, double jobRestMs, double stepMs) {
    double totalMs() {
      return broadcastMs + computeMs + jobRestMs + stepMs;
    }
  }

  /** A training run with its curve and its iterations' splits. */
  record Curve(
      String name,
      String description,
      long parameters,
      int batch,
      int partitions,
      List<Point> points,
      List<Phase> phases,
      double trainSeconds,
      long examples,
      long gradientTaskMs,
      String stopReason,
      Precision precision) {
    double examplesPerSecond() {
      return examples / trainSeconds;
    }

    double examplesPerTaskSecond() {
      return gradientTaskMs == 0 ? Double.NaN : examples / (gradientTaskMs / 1000.0);
    }

    double finalAccuracy() {
      return points.isEmpty() ? Double.NaN : points.get(points.size() - 1).accuracy();
    }

    double bestAccuracy() {
      return points.stream().mapToDouble(Point::accuracy).max().orElse(Double.NaN);
    }

    /** Training seconds at the first evaluation reaching {@code accuracy}; NaN if never. */
    double secondsTo(double accuracy) {
      for (Point p : points) {
        if (p.accuracy() >= accuracy) {
          return p.seconds();
        }
      }
      return Double.NaN;
    }
  }

  /** Median split of a short run's iterations after the warm-up ones. */
  record Timed(long parameters, int batch, int partitions, Phase median, int measured) {}

  private PolyakRuns() {}

  /** Trains {@code config} on {@code train}, evaluating on {@code test} at the config's cadence. */
  static Curve curve(
      SparkSession spark,
      TaskMeter meter,
      String name,
      String description,
      PolyakConfig config,
      LoadedData train,
      LoadedData test) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SparkTrainer trainer =
        new SparkTrainer(sc, config.network(), config.training(), config.aggregationDepth())
            .inPrecision(config.precision());
    // spark.long_lived_tasks: one barrier job of long-lived tasks instead of a job per iteration
    JavaRDD<Dataset> validation = test == null ? null : test.blocks();
    LongLivedGradientSource longLived =
        config.longLivedTasks()
            ? trainer.longLivedSource(train.blocks(), train.partitionRows(), validation)
            : null;
    SparkGradientSource perJob =
        longLived == null
            ? trainer.source(train.blocks(), train.partitionRows(), validation)
            : null;
    GradientSource source = longLived != null ? longLived : perJob;
    TrainingState state =
        TrainingState.initial(
            Network.build(config.network()), config.training(), source.iterationsPerEpoch());
    List<Point> points = new ArrayList<>();
    List<Phase> phases = new ArrayList<>();
    long[] examples = {0};
    double[] clock = {0};
    long[] resumed = {0};
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onStep(TrainingState s, StepReport r) {
            long now = System.nanoTime();
            clock[0] += (now - resumed[0]) / 1e9;
            GradientTiming t = r.timing();
            phases.add(new Phase(t.broadcastMs(), t.computeMs(), t.aggregateMs(), r.stepMillis()));
            examples[0] += r.examples();
            resumed[0] = System.nanoTime();
          }

          @Override
          public void onEvaluation(TrainingState s, EvaluationReport e) {
            points.add(new Point(e.step(), e.epoch(), clock[0], e.accuracy(), e.loss()));
            resumed[0] = System.nanoTime();
          }
        };
    meter.label(name);
    TrainResult result;
    try {
      resumed[0] = System.nanoTime();
      result = TrainingLoop.run(state, source, listener);
    } finally {
      if (longLived != null) {
        longLived.close();
      } else {
        perJob.close();
      }
    }
    TaskMeter.Totals totals = meter.totals(spark.sparkContext(), name);
    return new Curve(
        name,
        description,
        state.parameters().length,
        config.training().batchSize(),
        train.partitions(),
        points,
        phases,
        clock[0],
        examples[0],
        totals.gradientRunMs,
        result.stopReason(),
        config.precision());
  }

  /**
   * {@code warmup + measured} iterations without evaluation; the median split of the measured ones.
   */
  static Timed timed(
      SparkSession spark,
      TaskMeter meter,
      PolyakConfig config,
      LoadedData train,
      int warmup,
      int measured) {
    Curve c = curve(spark, meter, "sweep", "", config, train, null);
    List<Phase> ph = c.phases().subList(Math.min(warmup, c.phases().size()), c.phases().size());
    return new Timed(c.parameters(), c.batch(), c.partitions(), median(ph), ph.size());
  }

  static Phase median(List<Phase> ph) {
    return new Phase(
        median(ph.stream().mapToDouble(Phase::broadcastMs).toArray()),
        median(ph.stream().mapToDouble(Phase::computeMs).toArray()),
        median(ph.stream().mapToDouble(Phase::jobRestMs).toArray()),
        median(ph.stream().mapToDouble(Phase::stepMs).toArray()));
  }

  /**
   * Median over {@code repeats} of a job that touches every cached block and returns one int per
   * partition.
   */
  static double emptyJobMs(JavaRDD<Dataset> blocks, int repeats) {
    double[] t = new double[repeats];
    for (int r = -1; r < repeats; r++) {
      long t0 = System.nanoTime();
      blocks.mapPartitions(it -> List.of(it.hasNext() ? it.next().rows() : 0).iterator()).collect();
      if (r >= 0) {
        t[r] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return median(t);
  }

  /**
   * Median ms of a trivial job of {@code tasks} tasks (a parallelized range, nothing cached): the
   * driver's fixed cost per job plus its cost per task, for the scheduling term of the projection.
   */
  static double trivialJobMs(JavaSparkContext sc, int tasks, int repeats) {
    List<Integer> range = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      range.add(i);
    }
    JavaRDD<Integer> rdd = sc.parallelize(range, tasks);
    double[] t = new double[repeats];
    for (int r = -2; r < repeats; r++) {
      long t0 = System.nanoTime();
      rdd.map(x -> x + 1).collect();
      if (r >= 0) {
        t[r] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return median(t);
  }

  static long parameters(PolyakConfig config) {
    return Network.build(config.network()).parameterCount();
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
