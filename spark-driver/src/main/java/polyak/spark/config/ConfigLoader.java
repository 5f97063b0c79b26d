package polyak.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import polyak.nn.Precision;
import polyak.optim.DivergenceSpec;
import polyak.optim.OptimizerConfigException;
import polyak.optim.OptimizerKind;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleKind;
import polyak.optim.ScheduleSpec;
import polyak.spark.data.DataSource;
import polyak.spark.data.SparseMode;
import polyak.spark.train.Aggregation;
import polyak.spec.LayerSpec;
import polyak.spec.LossSpec;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecException;
import polyak.spec.SpecParser;
import polyak.train.AdversarialSpec;
import polyak.train.AveragingSpec;
import polyak.train.TrainingConfig;

/**
 * Reads a polyak config: the file (HOCON), then {@code key=value} overrides, over the defaults in
 * {@code polyak-defaults.conf}. Every key must exist in the defaults; unknown keys and bad values
 * are rejected with the key's name.
 */
public final class ConfigLoader {
  private static final String DEFAULTS = "polyak-defaults.conf";

  private ConfigLoader() {}

  /** Loads {@code file} (may be null: defaults only) with {@code overrides} ("a.b=c") on top. */
  public static PolyakConfig load(File file, List<String> overrides) {
    Config user = ConfigFactory.empty();
    String origin = "defaults";
    if (file != null) {
      if (!file.isFile()) {
        throw new ConfigError(file + ": config file not found");
      }
      origin = file.getPath();
      try {
        user = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new ConfigError(e.getMessage(), e);
      }
    }
    return fromConfig(user, overrides, origin);
  }

  /** Parses config text (e.g. stored in a checkpoint) with overrides. */
  public static PolyakConfig parse(String text, List<String> overrides, String origin) {
    try {
      return fromConfig(
          ConfigFactory.parseString(
              text, ConfigParseOptions.defaults().setOriginDescription(origin)),
          overrides,
          origin);
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage(), e);
    }
  }

  private static PolyakConfig fromConfig(Config user, List<String> overrides, String origin) {
    Config cli = ConfigFactory.empty();
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new ConfigError("command line: override '" + o + "' is not of the form key=value");
      }
      try {
        cli =
            ConfigFactory.parseString(
                    o, ConfigParseOptions.defaults().setOriginDescription("command line"))
                .withFallback(cli);
      } catch (ConfigException e) {
        throw new ConfigError(
            "command line: cannot parse override '" + o + "': " + e.getMessage(), e);
      }
    }
    Config defaults = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), DEFAULTS);
    rejectUnknown(user, defaults, origin);
    rejectUnknown(cli, defaults, "command line");
    // typesafe's messages start with the origin of the offending value (file and line, or "command
    // line")
    Config c;
    try {
      c = cli.withFallback(user).withFallback(defaults).resolve();
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage(), e);
    }
    try {
      return build(c);
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage(), e);
    } catch (ConfigError | IllegalArgumentException e) {
      throw new ConfigError(located(c, e.getMessage()), e);
    }
  }

  private static final Pattern LEADING_KEY =
      Pattern.compile("^([a-z_][a-z0-9_]*(?:\\.[a-z_][a-z0-9_]*)+)");

  /**
   * Prefixes a message that starts with a key with where that key's value was set: file and line,
   * or "command line" (nothing for a default). A file name alone would be wrong for a command-line
   * value.
   */
  private static String located(Config c, String message) {
    Matcher m = LEADING_KEY.matcher(message);
    if (m.find() && c.hasPath(m.group(1))) {
      ConfigOrigin o = c.getValue(m.group(1)).origin();
      if (o.resource() == null) {
        return o.description() + ": " + message;
      }
    }
    return message;
  }

  private static void rejectUnknown(Config given, Config defaults, String origin) {
    for (Map.Entry<String, ConfigValue> e : given.entrySet()) {
      String key = e.getKey();
      if (!defaults.hasPathOrNull(key)) {
        throw new ConfigError(origin + ": unknown key '" + key + "'" + suggestion(key, defaults));
      }
    }
  }

  private static String suggestion(String key, Config defaults) {
    int dot = key.lastIndexOf('.');
    String parent = dot < 0 ? "" : key.substring(0, dot);
    if (!parent.isEmpty() && defaults.hasPath(parent)) {
      return " (known keys under '"
          + parent
          + "': "
          + String.join(", ", defaults.getConfig(parent).root().keySet())
          + ")";
    }
    return "";
  }

  private static PolyakConfig build(Config c) {
    int classes = wholeInt(c, "data.classes");
    if (classes < 0) {
      throw new ConfigError(
          "data.classes must be positive, or 0 for real-valued targets (regression), got "
              + classes);
    }
    DataSource train =
        source(c, "data.train", classes, false); // evaluate and predict need no training data
    DataSource test = source(c, "data.test", classes, false);
    Scaling scaling = enumValue(c, "data.scaling", Scaling.class);
    int partitions = wholeInt(c, "data.partitions");
    if (partitions < 0) {
      throw new ConfigError(
          "data.partitions must be >= 0 (0: the executors' total cores), got " + partitions);
    }
    NetworkSpec network = network(c);
    if (classes == DataSource.REAL_TARGETS
        && (network.loss().classification() || network.outputWidth() != 1)) {
      throw new ConfigError(
          "data.classes = 0 (one real-valued target per row) needs network.loss = mse or l1 and"
              + " one output, got "
              + network.loss().text()
              + " and output width "
              + network.outputWidth());
    }
    TrainingConfig training = training(c);
    long checkpointEvery = nonNegativeLong(c, "checkpoint.every");
    String outputDir = c.getString("output.dir");
    if (outputDir.isBlank()) {
      throw new ConfigError("output.dir must not be empty");
    }
    String checkpointDir = c.getString("checkpoint.dir");
    if (checkpointDir.isBlank()) {
      checkpointDir = outputDir + "/checkpoints";
    }
    int keep = positiveInt(c, "checkpoint.keep");
    int depth = wholeInt(c, "spark.aggregation_depth");
    if (depth < 1 || depth > 2) {
      throw new ConfigError("spark.aggregation_depth must be 1 or 2, got " + depth);
    }
    int threadsPerTask = nonNegativeInt(c, "spark.threads_per_task");
    int localSteps = positiveInt(c, "spark.local_steps");
    double localRate = c.getDouble("spark.local_rate");
    if (!(localRate >= 0) || Double.isInfinite(localRate)) {
      throw new ConfigError("spark.local_rate must be a finite number >= 0, got " + localRate);
    }
    String aggregationName = c.getString("spark.aggregation");
    Aggregation.Mode aggregationMode = Aggregation.mode(aggregationName);
    if (aggregationMode == null) {
      throw new ConfigError(
          "spark.aggregation must be direct, tree, sharded or auto, got '" + aggregationName + "'");
    }
    if (aggregationMode == Aggregation.Mode.AUTO && depth == 2) {
      aggregationMode = Aggregation.Mode.TREE;
    }
    Aggregation aggregation =
        new Aggregation(aggregationMode, nonNegativeInt(c, "spark.aggregation_slices"));
    String rendered =
        c.withoutPath("fashion_mnist")
            .root()
            .render(ConfigRenderOptions.concise().setFormatted(true).setJson(true));
    DistillationConfig distillation =
        new DistillationConfig(
            c.getString("distillation.teacher"),
            c.getDouble("distillation.alpha"),
            c.getDouble("distillation.temperature"));
    if (distillation.active() && training.adversarial().active()) {
      throw new ConfigError(
          "distillation.teacher: distillation cannot be combined with adversarial training");
    }
    if (localSteps > 1
        && (distillation.active() || training.adversarial().active() || threadsPerTask > 1)) {
      throw new ConfigError(
          "spark.local_steps: local steps cannot be combined with distillation, adversarial"
              + " training or spark.threads_per_task > 1");
    }
    if (localSteps > 1 && training.gradientDelay() > 0) {
      throw new ConfigError(
          "spark.local_steps: local steps cannot be combined with training.gradient_delay = 1");
    }
    boolean longLivedTasks = c.getBoolean("spark.long_lived_tasks");
    if (longLivedTasks) {
      String unsupported =
          localSteps > 1
              ? "spark.local_steps > 1"
              : training.gradientDelay() > 0
                  ? "training.gradient_delay = 1"
                  : aggregationMode == Aggregation.Mode.TREE
                          || aggregationMode == Aggregation.Mode.SHARDED
                      ? "spark.aggregation = " + aggregationName
                      : distillation.active()
                          ? "distillation"
                          : training.optimizer().kind().fullBatch()
                              ? "the full-batch optimizer lbfgs"
                              : null;
      if (unsupported != null) {
        throw new ConfigError(
            "spark.long_lived_tasks: long-lived gradient tasks cannot be combined with "
                + unsupported);
      }
    }
    if (localSteps > 1 && threadsPerTask == 0) {
      threadsPerTask = 1; // local steps run one thread per task: one task per core
    }
    int components = nonNegativeInt(c, "data.pca.components");
    if (components > 0 && components != network.inputWidth()) {
      throw new ConfigError(
          "data.pca.components: the network sees the "
              + components
              + " components, but"
              + " network.input is "
              + network.inputWidth());
    }
    ProgressConfig.parse(c); // refuses a bad target or decay naming its key
    EnsembleConfig ensemble =
        new EnsembleConfig(
            nonNegativeInt(c, "ensemble.members"), c.getBoolean("ensemble.bootstrap"));
    if (ensemble.active() && !network.loss().classification()) {
      throw new ConfigError(
          "ensemble.members: an ensemble averages class distributions, so it needs the loss"
              + " softmax_ce, not "
              + network.loss().text());
    }
    return new PolyakConfig(
        train,
        test,
        scaling,
        partitions,
        network,
        training,
        checkpointEvery,
        checkpointDir,
        keep,
        outputDir,
        // the depth provenance records: 2 when partitions are summed in the tree (other bits)
        aggregationMode == Aggregation.Mode.TREE ? 2 : 1,
        rendered,
        new PcaConfig(components, c.getBoolean("data.pca.whiten")),
        distillation,
        ensemble,
        threadsPerTask,
        aggregation,
        localSteps,
        localRate == 0 ? training.learningRate().initial() : localRate,
        localSteps > 1 ? Precision.FLOAT64 : precision(c),
        longLivedTasks);
  }

  private static Precision precision(Config c) {
    String text = c.getString("training.precision");
    return Precision.parse(text)
        .orElseThrow(
            () ->
                new ConfigError(
                    "training.precision must be float32 or float64, got '" + text + "'"));
  }

  private static DataSource source(Config c, String key, int classes, boolean required) {
    String format = c.getString("data.format").toLowerCase(Locale.ROOT);
    long limit = nonNegativeLong(c, key + ".limit");
    DataSource s;
    switch (format) {
      case "idx" -> {
        String images = c.getString(key + ".images");
        String labels = c.getString(key + ".labels");
        if (images.isBlank() || labels.isBlank()) {
          if (required) {
            throw new ConfigError(
                key + ".images and " + key + ".labels are required for data.format = idx");
          }
          return null;
        }
        s = DataSource.idx(images, labels, classes);
      }
      case "csv", "libsvm", "parquet" -> {
        List<String> paths = c.getStringList(key + ".paths");
        if (paths.isEmpty()) {
          if (required) {
            throw new ConfigError(
                key
                    + ".paths must list at least one file, directory or glob for data.format = "
                    + format);
          }
          return null;
        }
        String[] p = paths.toArray(new String[0]);
        if (format.equals("csv")) {
          String delimiter = c.getString("data.csv.delimiter");
          if (delimiter.length() != 1) {
            throw new ConfigError(
                "data.csv.delimiter must be one character, got '" + delimiter + "'");
          }
          s =
              DataSource.csv(classes, p)
                  .withLabelColumn(wholeInt(c, "data.csv.label_column"))
                  .withHeader(c.getBoolean("data.csv.header"))
                  .withDelimiter(delimiter.charAt(0));
        } else if (format.equals("libsvm")) {
          s = DataSource.libsvm(positiveInt(c, "data.libsvm.features"), classes, p);
        } else {
          s =
              DataSource.parquet(
                  c.getString("data.parquet.features_column"),
                  c.getString("data.parquet.label_column"),
                  classes,
                  p);
        }
      }
      default ->
          throw new ConfigError(
              "data.format: unknown format '"
                  + format
                  + "' (expected idx, csv, libsvm or parquet)");
    }
    SparseMode sparse;
    try {
      sparse = SparseMode.parse("data.sparse", c.getString("data.sparse"));
    } catch (IllegalArgumentException e) {
      throw new ConfigError(e.getMessage());
    }
    s = s.withSparse(sparse);
    return limit > 0 ? s.withLimit(limit) : s;
  }

  private static NetworkSpec network(Config c) {
    List<String> lines = c.getStringList("network.layers");
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      layers.add(SpecParser.layer("network.layers[" + i + "]", lines.get(i)));
    }
    LossSpec loss = SpecParser.loss("network.loss", c.getString("network.loss"));
    try {
      return new NetworkSpec(wholeInt(c, "network.input"), layers, loss);
    } catch (SpecException e) {
      // NetworkSpec names fields relative to the network: input, layers[i], loss
      throw new ConfigError("network." + e.getMessage(), e);
    }
  }

  private static TrainingConfig training(Config c) {
    OptimizerSpec opt =
        OptimizerSpec.defaults(OptimizerKind.fromConfigName(c.getString("optimizer.name")));
    // full paths, so a bad value's message names the whole key (optimizer.beta1, not beta1)
    if (opt.kind().usesMomentum()) {
      opt = opt.withMomentum(c.getDouble("optimizer.momentum"));
    }
    opt =
        opt.withDecay(c.getDouble("optimizer.decay"))
            .withBeta1(c.getDouble("optimizer.beta1"))
            .withBeta2(c.getDouble("optimizer.beta2"))
            .withEpsilon(c.getDouble("optimizer.epsilon"))
            .withBiasCorrection(c.getBoolean("optimizer.bias_correction"))
            .withWeightDecay(c.getDouble("optimizer.weight_decay"));
    opt = opt.withHistory(positiveInt(c, "optimizer.history"));
    if (opt.kind() == OptimizerKind.LARS || opt.kind() == OptimizerKind.LAMB) {
      opt = opt.withTrustCoefficient(c.getDouble("optimizer.trust_coefficient"));
    }
    long maxIterations = nonNegativeLong(c, "training.max_iterations");
    ScheduleSpec schedule = schedule(c);
    TrainingConfig.RateScaling scaling =
        enumValue(c, "training.rate_scaling", TrainingConfig.RateScaling.class);
    AveragingSpec.Kind avgKind = enumValue(c, "averaging.kind", AveragingSpec.Kind.class);
    AveragingSpec averaging =
        avgKind == AveragingSpec.Kind.NONE
            ? AveragingSpec.NONE
            : new AveragingSpec(
                avgKind, wholeLong(c, "averaging.start"), c.getDouble("averaging.decay"));
    return new TrainingConfig(
        wholeLong(c, "training.seed"),
        positiveInt(c, "training.batch_size"),
        positiveInt(c, "training.epochs"),
        maxIterations,
        opt,
        schedule,
        scaling,
        positiveInt(c, "training.reference_batch"),
        c.getDouble("regularization.l1"),
        c.getDouble("regularization.l2"),
        c.getDouble("regularization.max_norm"),
        c.getDouble("clipping.norm"),
        c.getDouble("clipping.value"),
        averaging,
        nonNegativeLong(c, "evaluation.every"),
        nonNegativeInt(c, "evaluation.patience"),
        new AdversarialSpec(
            c.getDouble("adversarial.fgsm_epsilon"),
            c.getDouble("adversarial.fgsm_fraction"),
            c.getDouble("adversarial.gradient_penalty"),
            c.getDouble("adversarial.penalty_step")),
        divergence(c),
        nonNegativeInt(c, "training.gradient_delay"),
        c.getBoolean("training.gradient_prediction"));
  }

  private static DivergenceSpec divergence(Config c) {
    try {
      return new DivergenceSpec(
          nonNegativeInt(c, "divergence.window"),
          c.getDouble("divergence.growth"),
          nonNegativeInt(c, "divergence.collapse_evaluations"),
          c.getDouble("divergence.chance_margin"));
    } catch (OptimizerConfigException e) {
      throw new ConfigError(e.getMessage(), e);
    }
  }

  private static ScheduleSpec schedule(Config c) {
    String s = "learning_rate.";
    try {
      ScheduleKind kind = ScheduleKind.fromConfigName(c.getString(s + "schedule"));
      return new ScheduleSpec(
          kind,
          c.getDouble(s + "initial"),
          c.getDouble(s + "decay_rate"),
          c.getDouble(s + "factor"),
          wholeLong(c, s + "step_epochs"),
          c.getDouble(s + "end"),
          wholeLong(c, s + "total_iterations"),
          c.getDouble(s + "power"),
          wholeLong(c, s + "warmup_iterations"),
          c.getDouble(s + "warmup_start"));
    } catch (OptimizerConfigException e) {
      // trainer-core names the schedule's fields schedule.name, schedule.initial, ...: say the
      // config's keys
      throw new ConfigError(
          e.getMessage().replace("schedule.name", s + "schedule").replace("schedule.", s), e);
    }
  }

  private static <E extends Enum<E>> E enumValue(Config c, String key, Class<E> type) {
    String v = c.getString(key);
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new ConfigError(
        key + ": unknown value '" + v + "' (expected one of " + String.join(", ", names) + ")");
  }

  /** A whole number: HOCON's getInt/getLong would silently truncate 2.5 to 2. */
  private static long wholeLong(Config c, String key) {
    Number n = c.getNumber(key);
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (d != Math.rint(d) || Math.abs(d) >= 0x1p63) {
        throw new ConfigError(key + " must be a whole number, got " + d);
      }
      return (long) d;
    }
    return n.longValue();
  }

  private static int wholeInt(Config c, String key) {
    long v = wholeLong(c, key);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new ConfigError(key + " is out of range, got " + v);
    }
    return (int) v;
  }

  private static int positiveInt(Config c, String key) {
    int v = wholeInt(c, key);
    if (v <= 0) {
      throw new ConfigError(key + " must be positive, got " + v);
    }
    return v;
  }

  private static int nonNegativeInt(Config c, String key) {
    int v = wholeInt(c, key);
    if (v < 0) {
      throw new ConfigError(key + " must be >= 0, got " + v);
    }
    return v;
  }

  private static long nonNegativeLong(Config c, String key) {
    long v = wholeLong(c, key);
    if (v < 0) {
      throw new ConfigError(key + " must be >= 0, got " + v);
    }
    return v;
  }
}
