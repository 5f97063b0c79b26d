package polyak.spark.bench;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import polyak.spark.cli.Sessions;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;

/**
 * {@code polyak bench}: the benchmark family, one picocli command with a subcommand per benchmark.
 * Without a subcommand it runs the comparison with Spark MLlib and the compute limit.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks you can run on your own machine or cluster; each prints its figures and writes its "
          + "section of BENCHMARKS.md.",
      "Without a subcommand: polyak against Spark MLlib's MLP and against the GEMM limit on Fashion-MNIST "
          + "(raw CSV/JSON under --out)."
    },
    subcommands = {
      BenchCommand.Optimizers.class,
      BenchCommand.Distributed.class,
      BenchCommand.Kernels.class,
      BenchCommand.Data.class,
      BenchCommand.Sparse.class,
      BenchCommand.Scale.class
    })
public final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--quick",
      description = "A subset of the data and a few iterations (about 2 minutes).")
  boolean quick;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master; default: local[*].")
  String master;

  @Option(
      names = "--markdown",
      defaultValue = "BENCHMARKS.md",
      paramLabel = "FILE",
      description = "Markdown file whose bench section is (re)written (default: ${DEFAULT-VALUE}).")
  File markdown;

  @Option(
      names = "--out",
      defaultValue = "docs/bench",
      paramLabel = "DIR",
      description = "Directory for the raw CSV/JSON (default: ${DEFAULT-VALUE}).")
  File out;

  @Override
  public Integer call() throws Exception {
    try (SparkSession spark = Sessions.create("polyak bench", master)) {
      PolyakBench.run(
          spark,
          quick ? PolyakBench.Options.quickRun() : PolyakBench.Options.full(),
          markdown.toPath(),
          out.toPath(),
          System.out);
    }
    return 0;
  }

  @Command(
      name = "optimizers",
      mixinStandardHelpOptions = true,
      description =
          "Every optimizer on Fashion-MNIST with the local trainer (no Spark): an Adam headline run, a "
              + "table at one budget, optionally a full-batch L-BFGS row.")
  static final class Optimizers implements Callable<Integer> {
    /** The defaults are the run in BENCHMARKS.md. */
    private static final OptimizerBenchmark.Options D = OptimizerBenchmark.Options.defaults();

    @Option(
        names = "--epochs",
        paramLabel = "N",
        description = "Epochs of every table row (default: " + "${DEFAULT-VALUE}).")
    int epochs = D.epochs();

    @Option(
        names = "--headline-epochs",
        paramLabel = "N",
        description =
            "Epochs of the Adam headline run; 0 " + "skips it (default: ${DEFAULT-VALUE}).")
    int headlineEpochs = D.headlineEpochs();

    @Option(
        names = "--batch",
        paramLabel = "N",
        description = "Minibatch of every run (default: " + "${DEFAULT-VALUE}).")
    int batch = D.batchSize();

    @Option(
        names = "--optimizers",
        split = ",",
        paramLabel = "NAME",
        description = "The table's rows (default: " + "all ten).")
    List<String> optimizers = new ArrayList<>(D.optimizers());

    @Option(names = "--no-table", description = "Skip the optimizer table.")
    boolean noTable;

    @Option(names = "--no-headline", description = "Skip the Adam headline run.")
    boolean noHeadline;

    @Option(
        names = "--subset",
        paramLabel = "N",
        description = "Only the first N training rows (0: all).")
    int subset = D.trainSubset();

    @Option(
        names = "--test-subset",
        paramLabel = "N",
        description = "Only the first N test rows (0: all).")
    int testSubset = D.testSubset();

    @Option(
        names = "--lbfgs-iterations",
        paramLabel = "N",
        description =
            "Iterations of the full-batch L-BFGS " + "row; 0 skips it (default: ${DEFAULT-VALUE}).")
    int lbfgsIterations = D.lbfgsIterations();

    @Option(
        names = "--lbfgs-subset",
        paramLabel = "N",
        description = "Training rows of the L-BFGS row " + "(default: ${DEFAULT-VALUE}).")
    int lbfgsSubset = D.lbfgsSubset();

    @Option(
        names = "--seed",
        paramLabel = "N",
        description = "Seed of every run (default: ${DEFAULT-VALUE}).")
    long seed = D.seed();

    @Option(
        names = "--markdown",
        paramLabel = "FILE",
        description =
            "BENCHMARKS.md whose optimizers section is "
                + "(re)written (default: BENCHMARKS.md; with --quick: none).")
    Path markdown;

    @Option(
        names = "--csv",
        paramLabel = "FILE",
        description =
            "Summary CSV; the per-epoch CSV goes beside it "
                + "(default: docs/bench/optimizers.csv; with --quick: none).")
    Path csv;

    @Option(
        names = "--quick",
        description =
            "Smoke run: 6000 training and 2000 test rows, one epoch, nothing "
                + "written unless --markdown/--csv are given.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
      Path md = markdown != null ? markdown : quick ? null : D.markdown();
      Path raw = csv != null ? csv : quick ? null : D.csv();
      List<String> optimizers = noTable ? List.of() : this.optimizers;
      int headlineEpochs = noHeadline ? 0 : this.headlineEpochs;
      if (quick) {
        OptimizerBenchmark.run(
            new OptimizerBenchmark.Options(
                Math.min(epochs, 1),
                Math.min(headlineEpochs, 1),
                batch,
                optimizers,
                subset > 0 ? subset : 6_000,
                testSubset > 0 ? testSubset : 2_000,
                lbfgsIterations,
                Math.min(lbfgsSubset, 2_000),
                seed,
                md,
                raw));
      } else {
        OptimizerBenchmark.run(
            new OptimizerBenchmark.Options(
                epochs,
                headlineEpochs,
                batch,
                optimizers,
                subset,
                testSubset,
                lbfgsIterations,
                lbfgsSubset,
                seed,
                md,
                raw));
      }
      return 0;
    }
  }

  @Command(
      name = "distributed",
      mixinStandardHelpOptions = true,
      description =
          "polyak train on full Fashion-MNIST (batch 1024, Adam + cosine), synchronous and with"
              + " one-step-delayed gradients, beside the empty-job floor measured in the same"
              + " session: per-phase split, thread layout, examples/s against one LocalTrainer"
              + " thread, and issue 12's targets as measured / target.")
  static final class Distributed implements Callable<Integer> {
    @Option(
        names = "--quick",
        description = "One epoch per mode, 40 empty jobs, 15 local iterations (a few minutes).")
    boolean quick;

    @Option(
        names = "--epochs",
        paramLabel = "N",
        defaultValue = "10",
        description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "runs/bench-training",
        paramLabel = "DIR",
        description =
            "Where the training runs go: each bench run makes a new <run-id>/ beneath it"
                + " (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(
        names = "--master",
        defaultValue = "local[2]",
        paramLabel = "URL",
        description = "Spark master " + "(default: ${DEFAULT-VALUE}).")
    String master;

    @Option(
        names = "--markdown",
        paramLabel = "FILE",
        description =
            "Also (re)write this run's section of FILE "
                + "(e.g. BENCHMARKS.md); default: only print it.")
    Path markdown;

    @Parameters(
        paramLabel = "KEY=VALUE",
        description = "Config overrides, e.g. data.scaling=standardize.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      DistributedTrainingBenchmark.run(
          epochs, quick, output, master, overrides, markdown, System.out);
      return 0;
    }
  }

  @Command(
      name = "scale",
      mixinStandardHelpOptions = true,
      description =
          "Per aggregation mode (direct, tree, sharded): the bytes the driver receives per iteration"
              + " (Spark's task metrics), the shuffle bytes and the gradient job's median time, on"
              + " each master, one task per core.")
  static final class Scale implements Callable<Integer> {
    @Option(
        names = "--masters",
        split = ",",
        paramLabel = "URL",
        description = "Spark masters, one after another (default: local[2],local[4]).")
    List<String> masters = new ArrayList<>(List.of("local[2]", "local[4]"));

    @Option(
        names = "--hidden",
        paramLabel = "N",
        defaultValue = "256",
        description =
            "Width of the first hidden layer of 784-N-N/2-10 (default: ${DEFAULT-VALUE}: 235,146"
                + " parameters).")
    int hidden;

    @Option(
        names = "--iterations",
        paramLabel = "N",
        defaultValue = "12",
        description = "Measured iterations per mode (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
        names = "--batch",
        paramLabel = "N",
        defaultValue = "256",
        description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
        names = "--markdown",
        paramLabel = "FILE",
        description = "Also (re)write this section of FILE (e.g. BENCHMARKS.md); default: print.")
    Path markdown;

    @Option(
        names = "--cluster-workers",
        split = ",",
        paramLabel = "N",
        description =
            "Instead: start real standalone clusters of N single-core workers on this machine, one"
                + " after another (e.g. 1,2,4,8), and measure per mode the iteration with compute and"
                + " communication only, refit the scaling model (ClusterScaleBenchmark).")
    List<Integer> clusterWorkers;

    @Option(
        names = "--app-jar",
        paramLabel = "JAR",
        description =
            "With --cluster-workers: the app jar the executors load (default:"
                + " spark-driver/target/polyak-app-*.jar).")
    Path appJar;

    @Override
    public Integer call() throws Exception {
      if (clusterWorkers != null && !clusterWorkers.isEmpty()) {
        ClusterScaleBenchmark.run(
            clusterWorkers,
            iterations,
            Path.of("deploy/standalone-cluster"),
            appJar != null ? appJar : ClusterScaleBenchmark.defaultAppJar(),
            markdown,
            System.out);
        return 0;
      }
      AggregationBenchmark.run(masters, hidden, 4 * batch, batch, iterations, markdown, System.out);
      return 0;
    }
  }

  @Command(
      name = "kernels",
      mixinStandardHelpOptions = true,
      description =
          "Single-thread GEMM GFLOP/s and forward+backward examples/s of every dense kernel on this "
              + "machine, at 784-256-128-10.")
  static final class Kernels implements Callable<Integer> {
    @Option(
        names = "--batch",
        paramLabel = "N",
        defaultValue = "512",
        description = "Rows per product (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
        names = "--repeats",
        paramLabel = "N",
        defaultValue = "15",
        description = "Timed repeats; the median is printed " + "(default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
      NetworkSpec spec =
          SpecParser.network(
              "bench",
              """
          input 784
          dense 256
          relu
          dense 128
          relu
          dense 10
          loss softmax_ce
          """);
      KernelBenchmark.run(spec, batch, repeats, System.out);
      return 0;
    }
  }

  @Command(
      name = "data",
      mixinStandardHelpOptions = true,
      description =
          "Data larger than storage memory: a synthetic LibSVM set trained with enough memory and with"
              + " storage memory for about a third of its blocks; in-memory share, median iteration"
              + " time and source reads of both runs.")
  static final class Data implements Callable<Integer> {
    @Option(
        names = "--rows",
        paramLabel = "N",
        defaultValue = "150000",
        description = "Rows of the synthetic set (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(
        names = "--features",
        paramLabel = "N",
        defaultValue = "100",
        description = "Features per row (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(
        names = "--iterations",
        paramLabel = "N",
        defaultValue = "40",
        description = "Training iterations per run (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
        names = "--batch",
        paramLabel = "N",
        defaultValue = "1024",
        description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
        names = "--partitions",
        paramLabel = "N",
        defaultValue = "4",
        description = "Partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
        names = "--master",
        defaultValue = "local[2]",
        paramLabel = "URL",
        description = "Spark master (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(
        names = "--pairs",
        paramLabel = "N",
        defaultValue = "2",
        description =
            "Both runs repeated N times, alternately, on a shared machine (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(
        names = "--work-dir",
        defaultValue = "target/bench-data",
        paramLabel = "DIR",
        description =
            "Where the synthetic set is written (and deleted afterwards) (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(
        names = "--markdown",
        paramLabel = "FILE",
        description = "Also (re)write this benchmark's section of FILE (e.g. BENCHMARKS.md).")
    Path markdown;

    @Override
    public Integer call() throws Exception {
      DataScaleBenchmark.run(
          new DataScaleBenchmark.Options(
              rows, features, iterations, batch, partitions, 1.0 / 3, pairs),
          workDir,
          master,
          markdown,
          System.out);
      return 0;
    }
  }

  @Command(
      name = "sparse",
      mixinStandardHelpOptions = true,
      description =
          "The first dense layer on sparse rows (forward + weight gradient, one thread): the sparse"
              + " product against the dense kernel on the same rows densified, time and memory.")
  static final class Sparse implements Callable<Integer> {
    @Option(
        names = "--rows",
        paramLabel = "N",
        defaultValue = "256",
        description = "Rows (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(
        names = "--dimension",
        paramLabel = "N",
        defaultValue = "100000",
        description = "Features per row (default: ${DEFAULT-VALUE}).")
    int dimension;

    @Option(
        names = "--density",
        paramLabel = "D",
        defaultValue = "0.01",
        description = "Share of non-zero features (default: ${DEFAULT-VALUE}).")
    double density;

    @Option(
        names = "--out",
        paramLabel = "N",
        defaultValue = "64",
        description = "Units of the layer (default: ${DEFAULT-VALUE}).")
    int out;

    @Option(
        names = "--repeats",
        paramLabel = "N",
        defaultValue = "5",
        description = "Timed repeats; the median is printed (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
        names = "--markdown",
        paramLabel = "FILE",
        description = "Also (re)write this benchmark's section of FILE (e.g. BENCHMARKS.md).")
    Path markdown;

    @Option(
        names = "--train-rows",
        paramLabel = "N",
        defaultValue = "6000",
        description =
            "Rows of the generated LibSVM set trained end to end, sparse and densified (0: skip;"
                + " default: ${DEFAULT-VALUE}).")
    long trainRows;

    @Option(
        names = "--iterations",
        paramLabel = "N",
        defaultValue = "12",
        description = "Training iterations per run (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
        names = "--master",
        defaultValue = "local[2]",
        paramLabel = "URL",
        description = "Spark master of the training runs (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(
        names = "--work-dir",
        defaultValue = "target/bench-sparse",
        paramLabel = "DIR",
        description =
            "Where the generated set is written (and deleted afterwards) (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
      SparseKernelBenchmark.Result kernel =
          SparseKernelBenchmark.run(rows, dimension, density, out, repeats, null, System.out);
      String md = SparseKernelBenchmark.markdown(Environment.probe(), kernel, repeats);
      if (trainRows > 0) {
        String training =
            SparseTrainingBenchmark.run(
                new SparseTrainingBenchmark.Options(
                    trainRows, dimension, density, 6, 16, 256, iterations, 2),
                workDir,
                master,
                System.out);
        System.out.print(training);
        md += training;
      }
      if (markdown != null) {
        BenchMarkdown.splice(markdown, SparseKernelBenchmark.TAG, md);
      }
      return 0;
    }
  }
}
