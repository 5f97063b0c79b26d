package polyak.spark.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import polyak.data.Dataset;
import polyak.data.FashionMnist;
import polyak.data.PixelScaling;
import polyak.nn.kernel.DenseKernels;
import polyak.spark.cli.Sessions;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.metrics.MetricsFile;
import polyak.spark.metrics.StepLine;
import polyak.spark.run.TrainJob;
import polyak.train.LocalTrainer;
import polyak.train.StepReport;
import polyak.train.TrainingListener;
import polyak.train.TrainingState;

/**
 * {@code polyak bench distributed}: full Fashion-MNIST, 784-256-128-10 ReLU, Adam, batch 1024 in
 * local[2] — test accuracy after the epochs, examples/s, the per-phase split of an iteration
 * (medians from metrics.jsonl) — and, in the same JVM, LocalTrainer's examples/s on the same
 * configuration.
 */
public final class DistributedTrainingBenchmark {
  private DistributedTrainingBenchmark() {}

  /** The marker tag of the section {@code --markdown} writes. */
  static final String TAG = "bench-distributed";

  /** Figures of one run. */
  public record Result(
      Environment environment,
      String master,
      int epochs,
      int batch,
      int partitions,
      double testAccuracy,
      double sparkExamplesPerSecond,
      double localExamplesPerSecond,
      double broadcastMs,
      double computeMs,
      double aggregateMs,
      double stepMs,
      double iterationMs,
      String kernel) {

    public double ratio() {
      return sparkExamplesPerSecond / localExamplesPerSecond;
    }

    public String markdown() {
      double other = iterationMs - broadcastMs - computeMs - aggregateMs - stepMs;
      return String.format(
          Locale.ROOT,
          """
          ## Distributed training on Spark (`polyak bench distributed`): test accuracy, examples/s against one \
          thread, and the per-phase split

          Run %s, commit `%s`, master `%s`. Machine: %s.

          | figure | value |
          |---|---|
          | test accuracy after %d epochs | %.4f |
          | Spark examples/s (median iteration) | %.0f |
          | LocalTrainer examples/s (same config, 1 thread) | %.0f |
          | ratio Spark / LocalTrainer | %.2f |
          | dense kernel | %s |

          Median iteration (batch %d, %d partitions): %.1f ms = broadcast %.1f + executor compute %.1f +
          aggregation/scheduling %.1f + driver step %.1f + other %.1f ms.
          """,
          java.time.LocalDate.now(),
          environment.commit(),
          master,
          environment.describe(),
          epochs,
          testAccuracy,
          sparkExamplesPerSecond,
          localExamplesPerSecond,
          ratio(),
          kernel,
          batch,
          partitions,
          iterationMs,
          broadcastMs,
          computeMs,
          aggregateMs,
          stepMs,
          other);
    }
  }

  /**
   * @param master the Spark master of the distributed run (local[2] in BENCHMARKS.md)
   * @param extra config overrides on top of the benchmark's (e.g. data.scaling=standardize)
   * @param markdown the BENCHMARKS.md whose section to (re)write, or null
   */
  public static Result run(
      int epochs, Path outputDir, String master, List<String> extra, Path markdown, PrintStream out)
      throws IOException {
    List<String> overrides =
        new ArrayList<>(
            List.of("training.epochs=" + epochs, "output.dir=" + outputDir, "checkpoint.every=0"));
    overrides.addAll(PolyakBench.BEST_OPTIMIZER);
    overrides.addAll(extra);
    PolyakConfig config = ConfigLoader.load(null, overrides);
    double accuracy;
    int partitions;
    try (SparkSession spark = Sessions.create("polyak bench distributed", master)) {
      accuracy = TrainJob.run(spark, config, null, List.of(), out, false).testAccuracy();
      partitions =
          config.partitions() > 0 ? config.partitions() : spark.sparkContext().defaultParallelism();
    }
    List<StepLine> metrics = MetricsFile.read(outputDir.toString(), new Configuration()).steps();
    List<StepLine> steps = metrics.subList(Math.min(5, metrics.size()), metrics.size());

    Dataset raw = FashionMnist.train();
    Dataset train =
        config.scaling() == polyak.spark.config.Scaling.STANDARDIZE
            ? polyak.data.Standardizer.fit(raw).apply(raw)
            : PixelScaling.INSTANCE.apply(raw);
    List<Double> localMs = new ArrayList<>();
    new LocalTrainer(config.network(), config.training().withMaxIterations(30))
        .train(
            train,
            null,
            new TrainingListener() {
              @Override
              public void onStep(TrainingState s, StepReport r) {
                if (r.step() > 5) {
                  localMs.add(r.gradientMillis() + r.stepMillis());
                }
              }
            });
    double batch = config.training().batchSize();
    double localMedianMs =
        PolyakRuns.median(localMs.stream().mapToDouble(Double::doubleValue).toArray());
    Result result =
        new Result(
            Environment.probe(),
            master,
            epochs,
            (int) batch,
            partitions,
            accuracy,
            batch / (median(steps, StepLine::totalMs) / 1000),
            batch / (localMedianMs / 1000),
            median(steps, StepLine::broadcastMs),
            median(steps, StepLine::computeMs),
            median(steps, StepLine::aggregateMs),
            median(steps, StepLine::driverStepMs),
            median(steps, StepLine::totalMs),
            DenseKernels.name());
    out.print(result.markdown());
    if (markdown != null) {
      BenchMarkdown.splice(markdown, TAG, result.markdown());
    }
    return result;
  }

  static double median(List<StepLine> lines, ToDoubleFunction<StepLine> field) {
    return PolyakRuns.median(lines.stream().mapToDouble(field).filter(Double::isFinite).toArray());
  }
}
