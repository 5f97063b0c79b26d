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
import polyak.spark.data.LoadedData;
import polyak.spark.data.SparseMode;
import polyak.spark.data.TrainingData;
import polyak.spark.train.SparkTrainer;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.StepReport;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingState;

/**
 * The training half of {@code polyak bench sparse}: a generated sparse LibSVM set ({@link
 * SyntheticLibSvm}) through the real loader into cached blocks and a few Spark iterations, kept
 * sparse and densified. Three runs in one session: sparse on every file (the cached bytes against
 * the non-zeros), and sparse and densified on the first file only, whose dense blocks fit the heap
 * (the whole set densified would need rows × features × 8 bytes, printed).
 */
final class SparseTrainingBenchmark {
  private SparseTrainingBenchmark() {}

  record Options(
      long rows,
      int features,
      double density,
      int files,
      int hidden,
      int batch,
      int iterations,
      int partitions) {}

  /** One run's figures; {@code nonZeros} is -1 for dense blocks. */
  record Run(
      String label,
      long rows,
      long nonZeros,
      BlockStorage storage,
      long loadMs,
      double medianIterationMs,
      double medianComputeMs) {}

  /** Runs the three trainings and returns the markdown section (also printed as it goes). */
  static String run(Options o, Path workDir, String master, PrintStream out) throws IOException {
    Files.createDirectories(workDir);
    Path dir = Files.createTempDirectory(workDir, "sparse-");
    try {
      long t0 = System.nanoTime();
      List<Path> files =
          SyntheticLibSvm.write(
              dir,
              new SyntheticLibSvm.Shape(o.rows(), o.features(), o.density(), 10, o.files(), 42));
      long bytes = 0;
      for (Path f : files) {
        bytes += Files.size(f);
      }
      out.printf(
          Locale.ROOT,
          "generated %d rows × %d features at density %.4f: %.1f MiB of LibSVM in %d files"
              + " (%.1f s)%n",
          o.rows(),
          o.features(),
          o.density(),
          bytes / 1048576.0,
          files.size(),
          (System.nanoTime() - t0) / 1e9);
      String[] all = files.stream().map(Path::toString).toArray(String[]::new);
      String first = files.get(0).toString();
      SparkSession spark = Sessions.create("polyak bench sparse", master);
      List<Run> runs = new ArrayList<>();
      try {
        runs.add(train(spark, "sparse, all files", source(o, SparseMode.ON, all), o, out));
        runs.add(train(spark, "sparse, first file", source(o, SparseMode.ON, first), o, out));
        runs.add(train(spark, "densified, first file", source(o, SparseMode.OFF, first), o, out));
      } finally {
        spark.stop();
      }
      return markdown(o, master, bytes, runs);
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static DataSource source(Options o, SparseMode mode, String... paths) {
    return DataSource.libsvm(o.features(), 10, paths).withSparse(mode);
  }

  private static Run train(
      SparkSession spark, String label, DataSource source, Options o, PrintStream out) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long t0 = System.nanoTime();
    LoadedData data = TrainingData.load(spark, source, o.partitions());
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    BlockStorage storage = data.storage();
    NetworkSpec spec =
        SpecParser.network(
            "bench-sparse",
            "input "
                + o.features()
                + "\ndense "
                + o.hidden()
                + "\nrelu\ndense 10\nloss softmax_ce\n");
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(o.batch())
            .withEpochs(1_000_000)
            .withMaxIterations(o.iterations())
            .withOptimizer(OptimizerSpec.defaults("adam"))
            .withLearningRate(ScheduleSpec.constant(0.001));
    List<double[]> ms = new ArrayList<>();
    try {
      new SparkTrainer(sc, spec, config, 1)
          .train(
              data.blocks(),
              data.partitionRows(),
              null,
              new TrainingListener() {
                @Override
                public void onStep(TrainingState state, StepReport step) {
                  ms.add(
                      new double[] {
                        step.gradientMillis() + step.stepMillis(),
                        step.timing() == null ? Double.NaN : step.timing().computeMs()
                      });
                }
              });
    } finally {
      data.unpersist();
    }
    // the first iterations warm up the JIT and the executors: medians of the rest
    List<double[]> steady = ms.subList(Math.min(3, ms.size() - 1), ms.size());
    Run r =
        new Run(
            label,
            data.rows(),
            data.nonZeros(),
            storage,
            loadMs,
            median(steady, 0),
            median(steady, 1));
    out.printf(
        Locale.ROOT,
        "%s: %s; cached %s; load %d ms; median iteration %.1f ms, forward+backward %.1f ms%n",
        label,
        data.description(),
        storage,
        loadMs,
        r.medianIterationMs(),
        r.medianComputeMs());
    return r;
  }

  private static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(a -> a[column]).sorted().toArray();
    return v[v.length / 2];
  }

  static String markdown(Options o, String master, long fileBytes, List<Run> runs) {
    StringBuilder s = new StringBuilder();
    s.append("\n### Training on sparse input end to end (`polyak bench sparse`, second part)\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "Synthetic LibSVM set (SyntheticLibSvm): %d rows × %d features at density %.4f, %.1f MiB"
                + " of text in %d files, loaded by the real loader (`data.sparse = true` or `false`)"
                + " into %d cached partitions; %s, %d-%d-10 ReLU, Adam, batch %d, %d iterations"
                + " (medians over all but the first 3). Forward+backward is the slowest task's"
                + " compute time per iteration; the rest of an iteration is the broadcast and"
                + " aggregation of the %d parameters.%n%n",
            o.rows(),
            o.features(),
            o.density(),
            fileBytes / 1048576.0,
            o.files(),
            o.partitions(),
            master,
            o.features(),
            o.hidden(),
            o.batch(),
            o.iterations(),
            (o.features() + 1L) * o.hidden() + (o.hidden() + 1L) * 10));
    s.append(
        "| run | rows | non-zeros | cached blocks (Spark storage) | bytes per non-zero |"
            + " load (ms) | median iteration (ms) | forward+backward (ms) |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Run r : runs) {
      long cached = r.storage().memoryBytes() + r.storage().diskBytes();
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %.1f MiB (%.0f %% in memory) | %s | %d | %.1f | %.1f |%n",
              r.label(),
              r.rows(),
              r.nonZeros() < 0 ? "dense" : Long.toString(r.nonZeros()),
              cached / 1048576.0,
              100 * r.storage().memoryFraction(),
              r.nonZeros() <= 0
                  ? "—"
                  : String.format(Locale.ROOT, "%.1f", (double) cached / r.nonZeros()),
              r.loadMs(),
              r.medianIterationMs(),
              r.medianComputeMs()));
    }
    Run sparse = runs.get(1);
    Run dense = runs.get(2);
    s.append(
        String.format(
            Locale.ROOT,
            "%nOn the same rows, sparse against densified: forward+backward %.1f× faster, iteration"
                + " %.1f× faster, cached blocks %.0f× smaller. The whole set densified would need"
                + " %d × %d × 8 bytes = %.2f GiB of blocks (it was not run: the bench heap is"
                + " %.1f GiB).%n",
            dense.medianComputeMs() / sparse.medianComputeMs(),
            dense.medianIterationMs() / sparse.medianIterationMs(),
            (double) (dense.storage().memoryBytes() + dense.storage().diskBytes())
                / (sparse.storage().memoryBytes() + sparse.storage().diskBytes()),
            o.rows(),
            o.features(),
            8.0 * o.rows() * o.features() / (1L << 30),
            Runtime.getRuntime().maxMemory() / (double) (1L << 30)));
    return s.toString();
  }
}
