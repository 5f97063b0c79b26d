package polyak.spark.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.cli.Sessions;
import polyak.spark.data.BlockStorage;
import polyak.spark.data.DataSource;
import polyak.spark.data.InputMeter;
import polyak.spark.data.LoadedData;
import polyak.spark.data.TrainingData;
import polyak.spark.train.SparkTrainer;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.StepReport;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingState;

/**
 * {@code polyak bench data}: data larger than storage memory. Writes a synthetic dense LibSVM set
 * ({@link SyntheticLibSvm}) and trains on it twice in local mode, once with Spark's default memory
 * settings (the blocks fit) and once with {@code spark.memory.fraction} set so that storage memory
 * holds about a third of the blocks; prints how much of the data was in memory, the median
 * iteration time of each run and the bytes read from the source at load and during training.
 */
public final class DataScaleBenchmark {
  private DataScaleBenchmark() {}

  static final String TAG = "bench-data";

  /** Spark's reserved system memory (300 MiB) is not part of the unified memory. */
  private static final long RESERVED = 300L << 20;

  /**
   * {@code pairs}: how often the two runs are repeated, alternately (the machine may be shared).
   */
  public record Options(
      long rows,
      int features,
      int iterations,
      int batch,
      int partitions,
      double storageShare,
      int pairs) {}

  /** One training run's figures. */
  public record Run(
      String label,
      BlockStorage storage,
      long loadMs,
      double medianIterationMs,
      long loadSourceBytes,
      long trainSourceBytes) {}

  public static List<Run> run(
      Options o, Path workDir, String master, Path markdown, PrintStream out) throws IOException {
    Environment env = Environment.probe();
    Files.createDirectories(workDir);
    Path dir = Files.createTempDirectory(workDir, "synthetic-");
    try {
      long started = System.nanoTime();
      List<Path> files =
          SyntheticLibSvm.write(
              dir,
              new SyntheticLibSvm.Shape(
                  o.rows(), o.features(), 1.0, 10, Math.max(1, o.partitions()), 42));
      long fileBytes = 0;
      for (Path f : files) {
        fileBytes += Files.size(f);
      }
      long blockBytes = o.rows() * (8L * o.features() + 4);
      out.printf(
          Locale.ROOT,
          "generated %d rows × %d features: %.1f MiB of LibSVM in %d files (%.1f s); blocks ≈ %.1f MiB%n",
          o.rows(),
          o.features(),
          fileBytes / 1048576.0,
          files.size(),
          (System.nanoTime() - started) / 1e9,
          blockBytes / 1048576.0);
      String[] paths = files.stream().map(Path::toString).toArray(String[]::new);
      DataSource source = DataSource.libsvm(o.features(), 10, paths);
      double fraction =
          o.storageShare() * blockBytes / (Runtime.getRuntime().maxMemory() - RESERVED);
      List<Run> runs = new ArrayList<>();
      for (int pair = 0; pair < o.pairs(); pair++) {
        runs.add(train("enough memory", null, source, o, master, out));
        runs.add(
            train(
                String.format(Locale.ROOT, "spark.memory.fraction = %.4f", fraction),
                String.format(Locale.ROOT, "%.6f", fraction),
                source,
                o,
                master,
                out));
      }
      String md = markdown(env, o, master, fileBytes, runs);
      out.println();
      out.print(md);
      if (markdown != null) {
        BenchMarkdown.splice(markdown, TAG, md);
      }
      return runs;
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static Run train(
      String label,
      String memoryFraction,
      DataSource source,
      Options o,
      String master,
      PrintStream out) {
    if (memoryFraction != null) {
      System.setProperty("spark.memory.fraction", memoryFraction);
    }
    SparkSession spark;
    try {
      spark = Sessions.create("polyak bench data", master);
    } finally {
      System.clearProperty("spark.memory.fraction");
    }
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      InputMeter meter = InputMeter.attach(spark.sparkContext());
      long t0 = System.nanoTime();
      LoadedData data = TrainingData.load(spark, source, o.partitions());
      long loadMs = (System.nanoTime() - t0) / 1_000_000;
      InputMeter.drain(spark.sparkContext());
      long loadSource = meter.sourceBytes();
      BlockStorage storage = data.storage();
      NetworkSpec spec =
          SpecParser.network(
              "bench-data",
              "input "
                  + o.features()
                  + "\ndense 256\nrelu\ndense 128\nrelu\ndense 10\nloss softmax_ce\n");
      TrainingConfig config =
          TrainingConfig.defaults()
              .withBatchSize(o.batch())
              .withEpochs(1_000_000)
              .withMaxIterations(o.iterations())
              .withOptimizer(OptimizerSpec.defaults("adam"))
              .withLearningRate(ScheduleSpec.constant(0.001));
      List<Double> ms = new ArrayList<>();
      new SparkTrainer(sc, spec, config, 1)
          .train(
              data.blocks(),
              data.partitionRows(),
              null,
              new TrainingListener() {
                @Override
                public void onStep(TrainingState state, StepReport step) {
                  ms.add(step.gradientMillis() + step.stepMillis());
                }
              });
      InputMeter.drain(spark.sparkContext());
      long trainSource = meter.sourceBytes() - loadSource;
      data.unpersist();
      // the first iterations warm up the JIT and the executors: the median of the rest
      double[] steady =
          ms.subList(Math.min(3, ms.size() - 1), ms.size()).stream()
              .mapToDouble(Double::doubleValue)
              .sorted()
              .toArray();
      double median = steady[steady.length / 2];
      Run r = new Run(label, storage, loadMs, median, loadSource, trainSource);
      out.printf(
          Locale.ROOT,
          "%s: cache %s; load %d ms; median iteration %.1f ms; source read %.1f MiB at load, %.1f MiB while training%n",
          label,
          storage,
          loadMs,
          median,
          loadSource / 1048576.0,
          trainSource / 1048576.0);
      return r;
    } finally {
      spark.stop();
    }
  }

  static String markdown(
      Environment env, Options o, String master, long fileBytes, List<Run> runs) {
    StringBuilder s = new StringBuilder();
    s.append("## Data larger than storage memory (`polyak bench data`)\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "Synthetic dense LibSVM set (SyntheticLibSvm): %d rows × %d features, %.1f MiB of text;"
                + " %s, %d partitions, %s-256-128-10 ReLU, Adam, batch %d, %d iterations (median"
                + " over all but the first 3). Storage memory limited through"
                + " `spark.memory.fraction` to about %.0f %% of the blocks. Blocks cached"
                + " MEMORY_AND_DISK. Environment: %s, commit %s, load average %.2f.%n%n",
            o.rows(),
            o.features(),
            fileBytes / 1048576.0,
            master,
            o.partitions(),
            o.features(),
            o.batch(),
            o.iterations(),
            100 * o.storageShare(),
            env.describe(),
            env.commit(),
            Environment.loadAverage()));
    s.append(
        "| run | in memory | on local disk | load (ms) | median iteration (ms) | source read at load"
            + " (MiB) | source read while training (MiB) |\n");
    s.append("|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f %% (%.1f MiB) | %.1f MiB | %d | %.1f | %.1f | %.1f |%n",
              r.label(),
              100 * r.storage().memoryFraction(),
              r.storage().memoryBytes() / 1048576.0,
              r.storage().diskBytes() / 1048576.0,
              r.loadMs(),
              r.medianIterationMs(),
              r.loadSourceBytes() / 1048576.0,
              r.trainSourceBytes() / 1048576.0));
    }
    StringBuilder ratios = new StringBuilder();
    for (int i = 0; i + 1 < runs.size(); i += 2) {
      ratios
          .append(ratios.length() == 0 ? "" : ", ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%.2f×",
                  runs.get(i + 1).medianIterationMs() / runs.get(i).medianIterationMs()));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "%nSpilled / in-memory median iteration, per pair of runs (alternating): %s.%n",
            ratios));
    return s.toString();
  }
}
