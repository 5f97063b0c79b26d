package polyak.spark.cli;

import java.io.File;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import polyak.spark.config.ConfigError;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.run.EvaluateJob;
import polyak.spark.run.GradientCheckJob;
import polyak.spark.run.PredictJob;
import polyak.spark.run.TrainJob;

/**
 * The {@code polyak} command line: train, evaluate, predict, info, gradcheck, bench, sweep, report.
 */
@Command(
    name = "polyak",
    mixinStandardHelpOptions = true,
    versionProvider = PolyakCli.VersionProvider.class,
    description = "Data-parallel neural-network training on Apache Spark.",
    subcommands = {
      PolyakCli.Train.class,
      PolyakCli.Evaluate.class,
      PolyakCli.Predict.class,
      PolyakCli.Info.class,
      PolyakCli.GradCheck.class,
      polyak.spark.bench.BenchCommand.class,
      PolyakCli.Sweep.class,
      polyak.spark.report.ReportCommand.class
    })
public final class PolyakCli {
  /** Where the commands print their output (progress, reports). */
  private final PrintStream console;

  private PolyakCli(PrintStream console) {
    this.console = console;
  }

  public static void main(String[] args) {
    StopSignal.install();
    int code = execute(args);
    StopSignal.reported();
    System.exit(code);
  }

  /** Runs the command line and returns the exit code: 0 ok, 1 failure, 2 bad usage or input. */
  public static int execute(String... args) {
    return execute(System.out, System.err, args);
  }

  /**
   * Like {@link #execute(String...)}, with the commands' output (and help) sent to {@code out} and
   * the one-line error messages to {@code err}.
   */
  public static int execute(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new PolyakCli(out));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> Failures.report(e, cmd.getErr()));
    return cli.execute(args);
  }

  /** Options every command that reads a config takes. */
  static class ConfigOptions {
    @Option(
        names = {"-c", "--conf"},
        paramLabel = "FILE",
        description =
            "HOCON config file (default: built-in "
                + "defaults: Fashion-MNIST, 784-256-128-10 ReLU, Adam).")
    File conf;

    @Option(
        names = "--master",
        paramLabel = "URL",
        description = "Spark master; default: spark-submit's, else " + "local[*].")
    String master;

    @Parameters(
        paramLabel = "KEY=VALUE",
        description = "Config overrides, e.g. training.epochs=3 " + "optimizer.name=nesterov.")
    List<String> overrides = new ArrayList<>();

    PolyakConfig load() {
      return ConfigLoader.load(conf, overrides);
    }
  }

  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      description = "Train a network on Spark.")
  static final class Train implements Callable<Integer> {
    @CommandLine.ParentCommand PolyakCli parent;

    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Option(
        names = "--resume",
        paramLabel = "DIR",
        description =
            "Continue exactly from the newest whole "
                + "checkpoint in DIR (its stored config, plus any overrides); writes next to DIR.")
    String resume;

    @Option(
        names = "--overwrite",
        description =
            "Replace the model, metrics and checkpoints of another run in "
                + "output.dir (without it such a run is refused).")
    boolean overwrite;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (resume != null && options.conf != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--conf cannot be combined with --resume: a "
                + "resumed run uses the config stored in its checkpoint (change it with KEY=VALUE overrides)");
      }
      PolyakConfig config = resume == null ? options.load() : null;
      if (config != null) {
        config.train(); // names the missing keys before a Spark session starts
        polyak.spark.run.MemoryCheck.check(config, Runtime.getRuntime().maxMemory());
      }
      try (SparkSession spark = Sessions.create("polyak train", options.master)) {
        TrainJob.run(
            spark,
            config,
            resume,
            options.overrides,
            parent.console,
            parent.console == System.out && System.console() != null,
            null,
            StopSignal::stopAfter,
            overwrite);
      } catch (TrainJob.Stopped e) {
        throw new java.io.IOException(
            "stopped by a signal: "
                + e.getMessage()
                + "; continue with: polyak train"
                + " --resume "
                + e.checkpointDir(),
            e);
      }
      return 0;
    }
  }

  @Command(
      name = "evaluate",
      mixinStandardHelpOptions = true,
      description =
          "Accuracy, loss and confusion matrix of a saved model on the config's test data.")
  static final class Evaluate implements Callable<Integer> {
    @CommandLine.ParentCommand PolyakCli parent;

    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Option(
        names = {"-m", "--model"},
        required = true,
        paramLabel = "FILE",
        description = "A model.polyak file.")
    String model;

    @Option(
        names = "--fgsm",
        paramLabel = "EPS",
        description =
            "Evaluate under the FGSM attack x + EPS*sign(grad_x"
                + " loss), EPS in the network's input units (after the model's preprocessing).")
    double fgsm;

    @Override
    public Integer call() throws Exception {
      if (!(fgsm >= 0) || Double.isInfinite(fgsm)) {
        throw new ConfigError("--fgsm: epsilon must be a non-negative number, got " + fgsm);
      }
      PolyakConfig config = options.load();
      try (SparkSession spark = Sessions.create("polyak evaluate", options.master)) {
        EvaluateJob.run(spark, config, model, fgsm, parent.console);
      }
      return 0;
    }
  }

  @Command(
      name = "predict",
      mixinStandardHelpOptions = true,
      description =
          "Predicted class and class probabilities for every row of the config's test data "
              + "(or --input), written as Parquet or CSV.")
  static final class Predict implements Callable<Integer> {
    @CommandLine.ParentCommand PolyakCli parent;

    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Option(
        names = {"-m", "--model"},
        required = true,
        paramLabel = "FILE")
    String model;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "DIR",
        description = "Output directory.")
    String output;

    @Option(
        names = "--output-format",
        defaultValue = "parquet",
        description = "parquet or csv (default: " + "${DEFAULT-VALUE}).")
    String outputFormat;

    @Option(
        names = "--overwrite",
        description =
            "Replace an existing file or non-empty directory DIR (never one "
                + "holding the model or its checkpoints).")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
      PolyakConfig config = options.load();
      try (SparkSession spark = Sessions.create("polyak predict", options.master)) {
        PredictJob.run(spark, config, model, output, outputFormat, overwrite, parent.console);
      }
      return 0;
    }
  }

  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description =
          "A model's network, parameter count, "
              + "provenance and training config, without starting Spark.")
  static final class Info implements Callable<Integer> {
    @CommandLine.ParentCommand PolyakCli parent;

    @Option(
        names = {"-m", "--model"},
        required = true,
        paramLabel = "FILE",
        description = "A model.polyak file.")
    String model;

    @Override
    public Integer call() throws Exception {
      polyak.spark.run.ModelInfo.print(model, parent.console);
      return 0;
    }
  }

  @Command(
      name = "gradcheck",
      mixinStandardHelpOptions = true,
      description =
          "Check the configured network's backpropagation against centered differences, per layer.")
  static final class GradCheck implements Callable<Integer> {
    @CommandLine.ParentCommand PolyakCli parent;

    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Option(
        names = "--rows",
        defaultValue = "8",
        description = "Training rows to check on (default: " + "${DEFAULT-VALUE}).")
    int rows;

    @Option(
        names = "--tolerance",
        defaultValue = "1e-6",
        description = "Largest relative error accepted " + "(default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Override
    public Integer call() throws Exception {
      PolyakConfig config = options.load();
      try (SparkSession spark = Sessions.create("polyak gradcheck", options.master)) {
        return GradientCheckJob.run(spark, config, rows, tolerance, parent.console) ? 0 : 1;
      }
    }
  }

  @Command(
      name = "sweep",
      mixinStandardHelpOptions = true,
      description =
          "Run a sweep of training trials (grid, random search, coarse-to-fine) in one Spark application, "
              + "resumable into the same output, and write its report.")
  static final class Sweep implements Callable<Integer> {
    @Option(
        names = {"-c", "--conf"},
        required = true,
        paramLabel = "FILE",
        description =
            "Sweep config: a training "
                + "config plus a sweep { axes, variants, random, ... } block.")
    File conf;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "runs/sweep",
        paramLabel = "DIR",
        description =
            "Sweep "
                + "output: trials/<id>/, results.csv, results.jsonl, report/ (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(
        names = "--report-only",
        description = "Only (re)draw the report from the results in --output.")
    boolean reportOnly;

    @Option(
        names = "--master",
        paramLabel = "URL",
        description = "Spark master; default: spark-submit's, else " + "local[*].")
    String master;

    @Parameters(
        paramLabel = "KEY=VALUE",
        description = "Overrides of the base config for every trial.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      polyak.spark.sweep.SweepSpec spec = polyak.spark.sweep.SweepSpec.load(conf);
      try (SparkSession spark = Sessions.create("polyak sweep", master)) {
        return polyak.spark.sweep.SweepCommand.run(
            spark, spec, overrides, output, reportOnly, System.out);
      }
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"polyak " + polyak.spark.run.Version.current()};
    }
  }
}
