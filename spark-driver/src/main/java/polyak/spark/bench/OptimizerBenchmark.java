package polyak.spark.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import polyak.data.Dataset;
import polyak.data.FashionMnist;
import polyak.data.Standardizer;
import polyak.optim.OptimizerKind;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.EvaluationReport;
import polyak.train.LocalTrainer;
import polyak.train.StepReport;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingState;

/**
 * {@code polyak bench optimizers}: optimizers on Fashion-MNIST with {@link LocalTrainer}. A
 * benchmark, not a test: it trains for minutes and writes what it measured.
 *
 * <ol>
 *   <li>Headline: Adam on the full 60k training set, evaluated on the 10k test set after every
 *       epoch, for {@code headlineEpochs} epochs; reports when 89 % test accuracy was first
 *       reached.
 *   <li>Table: every optimizer in {@code optimizers} for the same budget ({@code epochs}), network,
 *       seed, preprocessing and schedule shape (cosine to 0), each at one conventional learning
 *       rate.
 *   <li>Optionally one clearly separate full-batch L-BFGS row on a training subset.
 * </ol>
 *
 * Prints a table and, when paths are given, writes a section of {@code BENCHMARKS.md} and CSVs.
 */
public final class OptimizerBenchmark {
  public static final String SECTION_TITLE =
      "## Optimizers on Fashion-MNIST: test accuracy and speed of ten "
          + "minibatch optimizers and full-batch L-BFGS (LocalTrainer)";

  /** The marker tag of the section in BENCHMARKS.md. */
  static final String TAG = "bench-optimizers";

  static final double TARGET_ACCURACY = 0.89;

  /**
   * The network of every minibatch run: 784-256-128-10, batch norm, ReLU, dropout (keep p = 0.8).
   */
  public static final String NETWORK =
      String.join(
          "\n",
          "input 784",
          "dense 256",
          "batchnorm",
          "relu",
          "dropout 0.8",
          "dense 128",
          "batchnorm",
          "relu",
          "dropout 0.8",
          "dense 10",
          "loss softmax_ce");

  /** The L-BFGS network: the same without dropout, so the full-batch objective is deterministic. */
  public static final String NETWORK_NO_DROPOUT =
      String.join(
          "\n",
          "input 784",
          "dense 256",
          "batchnorm",
          "relu",
          "dense 128",
          "batchnorm",
          "relu",
          "dense 10",
          "loss softmax_ce");

  public static final List<String> ALL_OPTIMIZERS =
      List.of(
          "sgd",
          "momentum",
          "nesterov",
          "adagrad",
          "rmsprop",
          "rmsprop_momentum",
          "adam",
          "adamw",
          "lars",
          "lamb");

  private OptimizerBenchmark() {}

  /**
   * What to run.
   *
   * @param epochs the budget of every row of the optimizer table
   * @param headlineEpochs epochs of the Adam headline run (0: skip it)
   * @param batchSize global minibatch of every run
   * @param optimizers the table's rows, by config name (empty: no table)
   * @param trainSubset if positive, only the first this many training rows (quick mode); 0 = all
   *     60k
   * @param testSubset if positive, only the first this many test rows; 0 = all 10k
   * @param lbfgsIterations L-BFGS iterations of the optional full-batch row (0: skip it)
   * @param lbfgsSubset training rows of the L-BFGS row
   * @param seed the seed of every run
   * @param markdown BENCHMARKS.md to write the section into (null: don't)
   * @param csv summary CSV (null: don't); the per-epoch CSV goes next to it with suffix -epochs
   */
  public record Options(
      int epochs,
      int headlineEpochs,
      int batchSize,
      List<String> optimizers,
      int trainSubset,
      int testSubset,
      int lbfgsIterations,
      int lbfgsSubset,
      long seed,
      Path markdown,
      Path csv) {
    public Options {
      optimizers = List.copyOf(optimizers);
      for (String o : optimizers) {
        OptimizerKind.fromConfigName(o);
      }
      if (epochs < 1
          || headlineEpochs < 0
          || batchSize < 1
          || trainSubset < 0
          || testSubset < 0
          || lbfgsIterations < 0
          || lbfgsSubset < 1) {
        throw new IllegalArgumentException(
            "bad options "
                + Arrays.asList(
                    epochs,
                    headlineEpochs,
                    batchSize,
                    trainSubset,
                    testSubset,
                    lbfgsIterations,
                    lbfgsSubset));
      }
    }

    /**
     * The run in BENCHMARKS.md: 15-epoch Adam headline, 5-epoch table of all ten optimizers, no
     * L-BFGS.
     */
    public static Options defaults() {
      return new Options(
          5,
          15,
          128,
          ALL_OPTIMIZERS,
          0,
          0,
          0,
          10_000,
          42,
          Path.of("BENCHMARKS.md"),
          Path.of("docs/bench/optimizers.csv"));
    }
  }

  /**
   * One optimizer's hyper-parameters: the spec, the initial learning rate and a human description.
   */
  public record Setting(String name, OptimizerSpec spec, double learningRate, String description) {}

  /**
   * One training run: test accuracy after every epoch, the final and best of them, the mean
   * minibatch training loss (training mode, dropout on) of each epoch, and the timings.
   */
  public record Row(
      String label,
      String optimizer,
      String settings,
      double learningRate,
      int epochs,
      int batch,
      List<EvaluationReport> evaluations,
      double[] epochTrainLoss,
      double wallSeconds,
      double evalSeconds,
      long examples,
      String note) {
    public double finalAccuracy() {
      return evaluations.isEmpty()
          ? Double.NaN
          : evaluations.get(evaluations.size() - 1).accuracy();
    }

    public double bestAccuracy() {
      return evaluations.stream().mapToDouble(EvaluationReport::accuracy).max().orElse(Double.NaN);
    }

    /** 1-based epoch of the best accuracy (the first, on ties). */
    public int bestEpoch() {
      double best = bestAccuracy();
      for (int i = 0; i < evaluations.size(); i++) {
        if (evaluations.get(i).accuracy() == best) {
          return i + 1;
        }
      }
      return -1;
    }

    /** 1-based epoch at which test accuracy first reached {@code target}, or -1. */
    public int firstEpochReaching(double target) {
      for (int i = 0; i < evaluations.size(); i++) {
        if (evaluations.get(i).accuracy() >= target) {
          return i + 1;
        }
      }
      return -1;
    }

    public double finalTrainLoss() {
      return epochTrainLoss.length == 0 ? Double.NaN : epochTrainLoss[epochTrainLoss.length - 1];
    }

    /** Training examples per second, evaluation time excluded. */
    public double examplesPerSecond() {
      return examples / Math.max(1e-9, wallSeconds - evalSeconds);
    }
  }

  /** Everything measured; {@code headline} and {@code lbfgs} may be null when not run. */
  public record Result(
      Row headline,
      List<Row> table,
      Row lbfgs,
      Environment environment,
      double pixelMean,
      double pixelStd) {}

  /**
   * One conventional setting per optimizer, from the usual literature/library defaults at batch
   * 128, deliberately not tuned on this data. Every run uses cosine decay to 0 over its budget.
   */
  public static Setting setting(String name, int batchSize) {
    OptimizerSpec d = OptimizerSpec.defaults(name);
    return switch (d.kind()) {
      case SGD -> new Setting(name, d, 0.1, "ε 0.1");
      case MOMENTUM ->
          new Setting(
              name,
              d.withMomentum(0.9),
              0.1 * batchSize / 256,
              "ε 0.1·B/256, μ 0.9 (Goyal et al.)");
      case NESTEROV ->
          new Setting(name, d.withMomentum(0.9), 0.1 * batchSize / 256, "ε 0.1·B/256, μ 0.9");
      case ADAGRAD -> new Setting(name, d, 0.01, "ε 0.01, δ 1e-7 (PyTorch default rate)");
      case RMSPROP ->
          new Setting(name, d.withDecay(0.9), 1e-3, "ε 1e-3, β 0.9, δ 1e-8 (Keras default)");
      case RMSPROP_MOMENTUM ->
          new Setting(
              name,
              d.withDecay(0.9).withMomentum(0.9),
              1e-4,
              "ε 1e-4, β 0.9, μ 0.9, δ 1e-8 (ε/(1−μ) = 1e-3)");
      case ADAM -> new Setting(name, d, 1e-3, "ε 1e-3, β₁ 0.9, β₂ 0.999, δ 1e-8");
      case ADAMW ->
          new Setting(
              name,
              d.withWeightDecay(0.01),
              1e-3,
              "ε 1e-3, β₁ 0.9, β₂ 0.999, λ 0.01 decoupled (PyTorch default)");
      case LARS ->
          new Setting(
              name,
              d.withMomentum(0.9).withTrustCoefficient(0.001).withWeightDecay(1e-6),
              0.3 * batchSize / 256,
              "ε 0.3·B/256, μ 0.9, η 0.001, λ 1e-6 (SimCLR convention)");
      case LAMB ->
          new Setting(
              name, d.withWeightDecay(0.01), 1e-3, "ε 1e-3, β₁ 0.9, β₂ 0.999, δ 1e-6, λ 0.01, η 1");
      case LBFGS ->
          throw new IllegalArgumentException(
              "lbfgs is full-batch: it has its own row, not a table" + " setting");
    };
  }

  public static Result run(Options o) throws IOException {
    Environment environment = Environment.probe();
    log("environment: " + environment.describe());
    Data data = load(o);
    log(
        String.format(
            Locale.ROOT,
            "data: %d training rows, %d test rows; global z-score mean %.4f std %.4f (of x/255)",
            data.train.rows(),
            data.test.rows(),
            data.mean / 255,
            data.std / 255));
    NetworkSpec spec = SpecParser.network("benchmark network", NETWORK);

    Row headline = null;
    if (o.headlineEpochs() > 0) {
      headline =
          train("headline", spec, setting("adam", o.batchSize()), o.headlineEpochs(), o, data);
      int reached = headline.firstEpochReaching(TARGET_ACCURACY);
      log(
          String.format(
              Locale.ROOT,
              "headline: Adam first reached %.0f %% at epoch %s; best %.2f %% (epoch %d), "
                  + "final %.2f %%, %.1f s, %.0f examples/s",
              100 * TARGET_ACCURACY,
              reached > 0 ? reached : "never",
              100 * headline.bestAccuracy(),
              headline.bestEpoch(),
              100 * headline.finalAccuracy(),
              headline.wallSeconds(),
              headline.examplesPerSecond()));
    }
    List<Row> table = new ArrayList<>();
    for (String name : o.optimizers()) {
      table.add(train("table", spec, setting(name, o.batchSize()), o.epochs(), o, data));
    }
    Row lbfgs = o.lbfgsIterations() > 0 ? lbfgs(o, data) : null;
    Result result =
        new Result(headline, List.copyOf(table), lbfgs, environment, data.mean, data.std);
    System.out.println();
    System.out.println(tableMarkdown(result, o));
    if (o.csv() != null) {
      writeCsv(result, o);
    }
    if (o.markdown() != null) {
      writeMarkdown(result, o);
    }
    return result;
  }

  private record Data(Dataset train, Dataset test, double mean, double std) {}

  /**
   * Full Fashion-MNIST (or the quick-mode prefix), standardised with ONE mean and std over all
   * training pixels, fitted on the training rows used: x' = (x − μ)/σ. A single global z-score
   * keeps the pixels' relative scale (a per-pixel z-score blows near-constant border pixels up to
   * hundreds of σ on the test set).
   */
  private static Data load(Options o) throws IOException {
    Dataset train = FashionMnist.train();
    Dataset test = FashionMnist.test();
    if (o.trainSubset() > 0 && o.trainSubset() < train.rows()) {
      train = train.slice(0, o.trainSubset());
    }
    if (o.testSubset() > 0 && o.testSubset() < test.rows()) {
      test = test.slice(0, o.testSubset());
    }
    double[] x = train.features();
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    double mean = sum / x.length;
    double squares = 0;
    for (double v : x) {
      squares += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(squares / x.length);
    double[] means = new double[train.width()];
    double[] stds = new double[train.width()];
    Arrays.fill(means, mean);
    Arrays.fill(stds, std);
    Standardizer z = Standardizer.of(means, stds);
    return new Data(z.apply(train), z.apply(test), mean, std);
  }

  private static TrainingConfig config(Setting s, int epochs, Options o, long iterationsPerEpoch) {
    return TrainingConfig.defaults()
        .withSeed(o.seed())
        .withBatchSize(o.batchSize())
        .withEpochs(epochs)
        .withOptimizer(s.spec())
        .withLearningRate(ScheduleSpec.cosine(s.learningRate(), 0.0, epochs * iterationsPerEpoch))
        .withEvaluation(0, 0);
  }

  private static Row train(
      String label, NetworkSpec spec, Setting s, int epochs, Options o, Data data) {
    long perEpoch = Math.max(1, data.train.rows() / o.batchSize());
    TrainingConfig config = config(s, epochs, o, perEpoch);
    log(
        String.format(
            Locale.ROOT,
            "%s: %s, %s, %d epochs of %d iterations",
            label,
            s.name(),
            s.description(),
            epochs,
            perEpoch));
    EpochListener listener = new EpochListener(label + " " + s.name(), perEpoch, epochs);
    long start = System.nanoTime();
    listener.start(start);
    String note = "";
    TrainResult result;
    try {
      result = new LocalTrainer(spec, config).train(data.train, data.test, listener);
      note = result.stopReason().startsWith("completed") ? "" : result.stopReason();
    } catch (RuntimeException e) {
      // A diverging optimizer (DivergenceException) is a result, not a crash of the benchmark.
      note = "stopped: " + e.getMessage();
      log(label + " " + s.name() + ": " + note);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    return new Row(
        label,
        s.name(),
        s.description(),
        s.learningRate(),
        epochs,
        o.batchSize(),
        List.copyOf(listener.evaluations),
        listener.epochLosses(),
        wall,
        listener.evalNanos / 1e9,
        listener.steps * o.batchSize(),
        note);
  }

  /** Cheap per-step bookkeeping (a running loss sum) and one log line per evaluation. */
  private static final class EpochListener implements TrainingListener {
    private final String name;
    private final long perEpoch;
    private final double[] lossSums;
    private final long[] lossCounts;
    private final List<EvaluationReport> evaluations = new ArrayList<>();
    private long start;
    private long lastStepEnd;
    private long evalNanos;
    private long steps;

    EpochListener(String name, long perEpoch, int epochs) {
      this.name = name;
      this.perEpoch = perEpoch;
      this.lossSums = new double[epochs];
      this.lossCounts = new long[epochs];
    }

    void start(long nanos) {
      start = nanos;
    }

    @Override
    public void onStep(TrainingState state, StepReport step) {
      int epoch = (int) ((step.step() - 1) / perEpoch);
      if (epoch < lossSums.length) {
        lossSums[epoch] += step.loss();
        lossCounts[epoch]++;
      }
      steps++;
      lastStepEnd = System.nanoTime();
    }

    @Override
    public void onEvaluation(TrainingState state, EvaluationReport e) {
      long now = System.nanoTime();
      evalNanos += now - lastStepEnd;
      evaluations.add(e);
      int epoch = (int) Math.round(e.epoch());
      double trainLoss =
          epoch >= 1 && epoch <= lossSums.length
              ? lossSums[epoch - 1] / lossCounts[epoch - 1]
              : Double.NaN;
      log(
          String.format(
              Locale.ROOT,
              "  %-22s epoch %5.2f  train loss %.4f  test loss %.4f  test acc %.2f %%  (%.1f s)",
              name,
              e.epoch(),
              trainLoss,
              e.loss(),
              100 * e.accuracy(),
              (now - start) / 1e9));
    }

    double[] epochLosses() {
      int n = 0;
      while (n < lossCounts.length && lossCounts[n] > 0) {
        n++;
      }
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = lossSums[i] / lossCounts[i];
      }
      return out;
    }
  }

  /**
   * Full-batch L-BFGS (history 10) on the first {@code lbfgsSubset} training rows, on the network
   * without dropout, from the same initialisation seed: {@link LocalTrainer} with {@code optimizer
   * lbfgs}, i.e. trainer-core's full-batch loop. The objective is the mean cross-entropy with batch
   * norm over the whole subset in training mode; afterwards the loop sets the batch-norm running
   * statistics from the subset at the final θ and evaluates the test set.
   */
  private static Row lbfgs(Options o, Data data) {
    int n = Math.min(o.lbfgsSubset(), data.train.rows());
    Dataset subset = data.train.slice(0, n);
    NetworkSpec spec = SpecParser.network("benchmark network (no dropout)", NETWORK_NO_DROPOUT);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withSeed(o.seed())
            .withBatchSize(n)
            .withEpochs(o.lbfgsIterations())
            .withOptimizer(OptimizerSpec.defaults(OptimizerKind.LBFGS))
            .withEvaluation(0, 0);
    log(
        String.format(
            Locale.ROOT,
            "lbfgs: %d rows, history %d, %d iterations",
            n,
            config.optimizer().history(),
            o.lbfgsIterations()));
    long start = System.nanoTime();
    double[] lastLoss = {Double.NaN};
    long[] evaluations = {0};
    long[] evalStart = {0};
    List<EvaluationReport> test = new ArrayList<>();
    TrainResult r =
        new LocalTrainer(spec, config)
            .train(
                subset,
                data.test,
                new TrainingListener() {
                  @Override
                  public void onStep(TrainingState state, StepReport step) {
                    lastLoss[0] = step.loss();
                    evaluations[0]++;
                    if (evaluations[0] % 25 == 0) {
                      log(
                          String.format(
                              Locale.ROOT,
                              "  lbfgs evaluation %d: loss %.5f (%.1f s)",
                              evaluations[0],
                              step.loss(),
                              (System.nanoTime() - start) / 1e9));
                    }
                    evalStart[0] = System.nanoTime();
                  }

                  @Override
                  public void onEvaluation(TrainingState state, EvaluationReport e) {
                    test.add(e);
                  }
                });
    long end = System.nanoTime();
    double wall = (end - start) / 1e9;
    String note =
        String.format(Locale.ROOT, "%s; last full-batch loss %.5f", r.stopReason(), lastLoss[0]);
    EvaluationReport e = test.get(test.size() - 1);
    log(
        String.format(
            Locale.ROOT, "lbfgs: %s; test acc %.2f %%, %.1f s", note, 100 * e.accuracy(), wall));
    return new Row(
        "lbfgs",
        "lbfgs",
        "full batch of "
            + n
            + " rows, history "
            + config.optimizer().history()
            + ", strong-Wolfe line search, no dropout",
        Double.NaN,
        (int) e.step(),
        n,
        List.of(e),
        new double[] {lastLoss[0]},
        wall,
        (end - evalStart[0]) / 1e9,
        evaluations[0] * n,
        note);
  }

  // ---------------------------------------------------------------- output

  static String tableMarkdown(Result result, Options o) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "| optimizer | learning rate / settings | test acc after %d epochs "
                + "| best epoch acc (epoch) | final train loss | wall s | examples/s | note |%n",
            o.epochs()));
    b.append("|---|---|---:|---:|---:|---:|---:|---|\n");
    for (Row r : result.table()) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s (%d) | %.4f | %.0f | %.0f | %s |%n",
              r.optimizer(),
              r.settings(),
              pct(r.finalAccuracy()),
              pct(r.bestAccuracy()),
              r.bestEpoch(),
              r.finalTrainLoss(),
              r.wallSeconds(),
              r.examplesPerSecond(),
              r.note()));
    }
    return b.toString();
  }

  private static String pct(double accuracy) {
    return Double.isNaN(accuracy) ? "–" : String.format(Locale.ROOT, "%.2f %%", 100 * accuracy);
  }

  private static void writeCsv(Result result, Options o) throws IOException {
    List<Row> rows = allRows(result);
    StringBuilder summary =
        new StringBuilder(
            "run,optimizer,learning_rate,settings,epochs,batch,final_test_accuracy,best_test_accuracy,best_epoch,"
                + "first_epoch_at_89,final_train_loss,wall_seconds,eval_seconds,examples_per_second,note\n");
    StringBuilder epochs =
        new StringBuilder("run,optimizer,epoch,step,test_loss,test_accuracy,train_loss\n");
    for (Row r : rows) {
      summary.append(
          String.format(
              Locale.ROOT,
              "%s,%s,%s,%s,%d,%d,%.4f,%.4f,%d,%d,%.5f,%.1f,%.1f,%.0f,%s%n",
              r.label(),
              r.optimizer(),
              Double.isNaN(r.learningRate()) ? "" : Double.toString(r.learningRate()),
              csv(r.settings()),
              r.epochs(),
              r.batch(),
              r.finalAccuracy(),
              r.bestAccuracy(),
              r.bestEpoch(),
              r.firstEpochReaching(TARGET_ACCURACY),
              r.finalTrainLoss(),
              r.wallSeconds(),
              r.evalSeconds(),
              r.examplesPerSecond(),
              csv(r.note())));
      if (r.label().equals("lbfgs")) {
        continue;
      }
      for (int i = 0; i < r.evaluations().size(); i++) {
        EvaluationReport e = r.evaluations().get(i);
        epochs.append(
            String.format(
                Locale.ROOT,
                "%s,%s,%.2f,%d,%.5f,%.4f,%s%n",
                r.label(),
                r.optimizer(),
                e.epoch(),
                e.step(),
                e.loss(),
                e.accuracy(),
                i < r.epochTrainLoss().length
                    ? String.format(Locale.ROOT, "%.5f", r.epochTrainLoss()[i])
                    : ""));
      }
    }
    Path csv = o.csv();
    BenchMarkdown.raw(csv, summary);
    Path perEpoch = epochsCsv(csv);
    BenchMarkdown.raw(perEpoch, epochs);
    log("wrote " + csv + " and " + perEpoch);
  }

  static Path epochsCsv(Path csv) {
    String name = csv.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    return csv.resolveSibling(base + "-epochs.csv");
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static List<Row> allRows(Result result) {
    List<Row> rows = new ArrayList<>();
    if (result.headline() != null) {
      rows.add(result.headline());
    }
    rows.addAll(result.table());
    if (result.lbfgs() != null) {
      rows.add(result.lbfgs());
    }
    return rows;
  }

  private static void writeMarkdown(Result result, Options o) throws IOException {
    BenchMarkdown.splice(o.markdown(), TAG, section(result, o));
    log("wrote section to " + o.markdown());
  }

  static String section(Result result, Options o) {
    StringBuilder b = new StringBuilder();
    b.append(SECTION_TITLE).append("\n\n");
    b.append("Command: `polyak bench optimizers` (drives `LocalTrainer`, no Spark).\n\n");
    b.append("- Date: ").append(LocalDate.now()).append('\n');
    b.append("- Machine: ").append(result.environment().describe()).append('\n');
    b.append("- Commit: `").append(result.environment().commit()).append("`\n");
    b.append("- Data: Fashion-MNIST, ")
        .append(o.trainSubset() > 0 ? "first " + o.trainSubset() : "all 60 000")
        .append(" training rows; test accuracy on ")
        .append(o.testSubset() > 0 ? "the first " + o.testSubset() : "the full 10 000-row test set")
        .append(" after every epoch (inference mode, batch-norm running" + " statistics)\n");
    b.append(
        String.format(
            Locale.ROOT,
            "- Preprocessing: one global z-score over all training pixels,"
                + " x' = (x − μ)/σ with μ = %.2f, σ = %.2f on the 0–255 scale (%.4f / %.4f of x/255), fitted on the"
                + " training rows%n",
            result.pixelMean(),
            result.pixelStd(),
            result.pixelMean() / 255,
            result.pixelStd() / 255));
    b.append("- Network: `")
        .append(NETWORK.replace("\n", "; "))
        .append(
            "` (784-256-128-10, He init, dropout keep p" + " = 0.8, batch-norm momentum 0.9)\n");
    b.append(
        String.format(
            Locale.ROOT,
            "- Batch %d (⌊N/B⌋ = %d iterations per epoch), seed %d, no weight penalty,"
                + " clipping or averaging; learning rate: cosine decay from ε₀ to 0 over the run's iterations, no warmup%n",
            o.batchSize(),
            (o.trainSubset() > 0 ? o.trainSubset() : 60_000) / o.batchSize(),
            o.seed()));
    b.append(
        "- Final train loss: mean minibatch cross-entropy over the last epoch, in training mode (dropout on);"
            + " examples/s: training examples per second of wall time with evaluation excluded\n\n");
    Row h = result.headline();
    if (h != null) {
      int reached = h.firstEpochReaching(TARGET_ACCURACY);
      b.append(
          String.format(
              Locale.ROOT,
              "### Adam headline (%d epochs, ε₀ 1e-3, β₁ 0.9, β₂ 0.999)%n%n",
              h.epochs()));
      b.append(
          String.format(
              Locale.ROOT,
              "89 %% test accuracy first reached: **%s**; best **%s** (epoch %d),"
                  + " final **%s**; wall %.0f s (%.0f s of it evaluation), **%.0f examples/s** training throughput.%s%n%n",
              reached > 0 ? "epoch " + reached : "not within " + h.epochs() + " epochs",
              pct(h.bestAccuracy()),
              h.bestEpoch(),
              pct(h.finalAccuracy()),
              h.wallSeconds(),
              h.evalSeconds(),
              h.examplesPerSecond(),
              h.note().isEmpty() ? "" : " " + h.note()));
      b.append("| epoch | test acc | test loss | train loss |\n|---:|---:|---:|---:|\n");
      for (int i = 0; i < h.evaluations().size(); i++) {
        EvaluationReport e = h.evaluations().get(i);
        b.append(
            String.format(
                Locale.ROOT,
                "| %d | %s | %.4f | %s |%n",
                i + 1,
                pct(e.accuracy()),
                e.loss(),
                i < h.epochTrainLoss().length
                    ? String.format(Locale.ROOT, "%.4f", h.epochTrainLoss()[i])
                    : "–"));
      }
      b.append('\n');
    }
    if (!result.table().isEmpty()) {
      b.append(
          String.format(
              Locale.ROOT,
              "### Optimizer table (%d epochs each, same network, seed and data)%n%n",
              o.epochs()));
      b.append(
              "One conventional setting per optimizer (library/literature defaults, scaled to B = ")
          .append(o.batchSize())
          .append(" where the source states a rule), not tuned on this data.\n\n");
      b.append(tableMarkdown(result, o)).append('\n');
    }
    Row l = result.lbfgs();
    if (l != null) {
      b.append("### L-BFGS (full batch; not comparable with the minibatch table)\n\n");
      b.append(
          String.format(
              Locale.ROOT,
              "%s. %s. Test accuracy **%s** (%d test rows), training-subset loss"
                  + " %.4f, wall %.0f s (%.0f examples/s counting every function evaluation as one pass over the subset).%n%n",
              l.settings(),
              l.note(),
              pct(l.finalAccuracy()),
              o.testSubset() > 0 ? Math.min(o.testSubset(), 10_000) : 10_000,
              l.finalTrainLoss(),
              l.wallSeconds(),
              l.examplesPerSecond()));
    }
    b.append("Raw figures: `")
        .append(o.csv() == null ? "–" : o.csv().toString().replace('\\', '/'))
        .append("` (one row per run) and `")
        .append(o.csv() == null ? "–" : epochsCsv(o.csv()).toString().replace('\\', '/'))
        .append("` (test accuracy per epoch).\n");
    return b.toString();
  }

  private static final long T0 = System.nanoTime();

  static void log(String s) {
    System.out.printf(Locale.ROOT, "[%7.1f s] %s%n", (System.nanoTime() - T0) / 1e9, s);
    System.out.flush();
  }
}
