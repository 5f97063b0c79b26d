package polyak.spark.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import polyak.spark.config.ConfigError;

/**
 * A parsed sweep config: the base training config (every normal key, as HOCON text, with the {@code
 * sweep} block removed so that {@code ConfigLoader}'s unknown-key check passes) and the {@code
 * sweep { ... }} block:
 *
 * <pre>
 * sweep {
 *   axes { "training.batch_size" = [256, 1024], "training.seed" = [1, 2] }      # grid
 *   variants { momentum { "optimizer.name" = momentum }, lars { ... } }        # named bundles, one grid axis
 *   random { trials = 8, seed = 1,
 *            params { "learning_rate.initial" { dist = log_uniform, min = 1e-4, max = 1e-1 } }
 *            refine { top = 2, trials = 4, shrink = 0.25 },
 *            per_point = false }   # true: own draws per grid point (a budget per batch size)
 *   max_minutes_per_trial = 30      # 0: no cap
 *   checkpoint_epochs = 1           # trial checkpoint every N epochs
 *   description = "..."             # shown at the top of the report
 * }
 * </pre>
 *
 * A trial's overrides may use the sweep-only key {@code learning_rate.warmup_epochs}: converted per
 * trial to {@code learning_rate.warmup_iterations} from its iterations per epoch.
 */
public record SweepSpec(
    String baseConfig,
    String origin,
    Map<String, List<String>> axes,
    Map<String, Map<String, String>> variants,
    RandomSpec random,
    double maxMinutesPerTrial,
    int checkpointEpochs,
    String description) {

  /** The sweep-only config key: warmup length in epochs, converted per trial to iterations. */
  public static final String WARMUP_EPOCHS = "learning_rate.warmup_epochs";

  /**
   * The sweep-only config key: validation every this many epochs (a fraction, e.g. 0.1), converted
   * per trial to {@code evaluation.every} iterations (at least 1), so every batch size is checked
   * against its target at the same fraction of an epoch.
   */
  public static final String EVALUATE_EPOCHS = "evaluation.every_epochs";

  private static final Set<String> SWEEP_KEYS =
      Set.of(
          "axes",
          "variants",
          "random",
          "max_minutes_per_trial",
          "checkpoint_epochs",
          "description");
  private static final Set<String> RANDOM_KEYS =
      Set.of("trials", "seed", "params", "refine", "per_point");
  private static final Set<String> PARAM_KEYS = Set.of("dist", "min", "max", "values");
  private static final Set<String> REFINE_KEYS = Set.of("top", "trials", "shrink");

  /** One randomly searched parameter. {@code values} only for {@code choice}. */
  public record Param(String key, Dist dist, double min, double max, List<String> values) {}

  public enum Dist {
    UNIFORM,
    LOG_UNIFORM,
    CHOICE
  }

  /**
   * Random search; {@code refineTop == 0} means no second stage. {@code perPoint}: every grid point
   * (e.g. every batch size) gets its own {@code trials} draws, so {@code trials} is the budget per
   * point; otherwise the same draws are crossed with every point.
   */
  public record RandomSpec(
      int trials,
      long seed,
      List<Param> params,
      int refineTop,
      int refineTrials,
      double shrink,
      boolean perPoint) {
    public RandomSpec(
        int trials, long seed, List<Param> params, int refineTop, int refineTrials, double shrink) {
      this(trials, seed, params, refineTop, refineTrials, shrink, false);
    }
  }

  /**
   * Reads a sweep config file. Axes and variants are ordered by name, each axis's values as listed.
   */
  public static SweepSpec load(File file) {
    if (!file.isFile()) {
      throw new ConfigError(file + ": sweep config file not found");
    }
    try {
      return parse(
          ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)),
          file.getPath());
    } catch (ConfigException e) {
      throw new ConfigError(file + ": " + e.getMessage(), e);
    }
  }

  public static SweepSpec parse(String text, String origin) {
    try {
      return parse(ConfigFactory.parseString(text), origin);
    } catch (ConfigException e) {
      throw new ConfigError(origin + ": " + e.getMessage(), e);
    }
  }

  private static SweepSpec parse(Config all, String origin) {
    if (!all.hasPath("sweep")) {
      throw new ConfigError(origin + ": no sweep { ... } block");
    }
    Config sweep = all.getConfig("sweep");
    Config baseConfig = all.withoutPath("sweep");
    if (!baseConfig.isResolved()) {
      // substitutions such as ${fashion_mnist}: resolve them against polyak's defaults now
      baseConfig =
          baseConfig
              .withFallback(
                  ConfigFactory.parseResources(
                      SweepSpec.class.getClassLoader(), "polyak-defaults.conf"))
              .resolve();
    }
    String base = baseConfig.root().render(ConfigRenderOptions.concise().setJson(false));
    for (String k : sweep.root().keySet()) {
      if (!SWEEP_KEYS.contains(k)) {
        throw new ConfigError(
            origin + ": unknown sweep key 'sweep." + k + "' (known: " + sorted(SWEEP_KEYS) + ")");
      }
    }
    KnownKeys known = KnownKeys.load();
    Map<String, List<String>> axes = new java.util.TreeMap<>();
    if (sweep.hasPath("axes")) {
      for (Map.Entry<String, ConfigValue> e : flatten(sweep.getConfig("axes"))) {
        String key = e.getKey();
        known.check(origin, "sweep.axes", key);
        ConfigValue v = e.getValue();
        if (v.valueType() != ConfigValueType.LIST || ((List<?>) v.unwrapped()).isEmpty()) {
          throw new ConfigError(
              origin + ": sweep.axes '" + key + "' must be a non-empty list of values");
        }
        List<String> values = new ArrayList<>();
        for (ConfigValue item : (ConfigList) v) {
          values.add(render(item));
        }
        axes.put(key, values);
      }
    }
    Map<String, Map<String, String>> variants = new java.util.TreeMap<>();
    if (sweep.hasPath("variants")) {
      for (String name : sweep.getObject("variants").keySet()) {
        ConfigValue raw = sweep.getObject("variants").get(name);
        if (raw.valueType() != ConfigValueType.OBJECT) {
          throw new ConfigError(
              origin + ": sweep.variants." + name + " must be an object of config keys");
        }
        Map<String, String> o = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : flatten(((ConfigObject) raw).toConfig())) {
          known.check(origin, "sweep.variants." + name, e.getKey());
          o.put(e.getKey(), render(e.getValue()));
        }
        variants.put(name, o);
      }
    }
    RandomSpec random = null;
    if (sweep.hasPath("random")) {
      random = random(sweep.getConfig("random"), origin, known);
    }
    double cap =
        sweep.hasPath("max_minutes_per_trial") ? sweep.getDouble("max_minutes_per_trial") : 0;
    if (!(cap >= 0)) {
      throw new ConfigError(origin + ": sweep.max_minutes_per_trial must be >= 0, got " + cap);
    }
    int ckpt = sweep.hasPath("checkpoint_epochs") ? sweep.getInt("checkpoint_epochs") : 1;
    if (ckpt < 0) {
      throw new ConfigError(origin + ": sweep.checkpoint_epochs must be >= 0, got " + ckpt);
    }
    if (axes.isEmpty() && variants.isEmpty() && random == null) {
      throw new ConfigError(
          origin + ": the sweep block defines no axes, variants or random search");
    }
    String description = sweep.hasPath("description") ? sweep.getString("description") : "";
    return new SweepSpec(base, origin, axes, variants, random, cap, ckpt, description);
  }

  private static RandomSpec random(Config r, String origin, KnownKeys known) {
    for (String k : r.root().keySet()) {
      if (!RANDOM_KEYS.contains(k)) {
        throw new ConfigError(
            origin
                + ": unknown sweep key 'sweep.random."
                + k
                + "' (known: "
                + sorted(RANDOM_KEYS)
                + ")");
      }
    }
    int trials = r.hasPath("trials") ? r.getInt("trials") : 0;
    if (trials <= 0) {
      throw new ConfigError(origin + ": sweep.random.trials must be positive, got " + trials);
    }
    long seed = r.hasPath("seed") ? r.getLong("seed") : 1;
    List<Param> params = new ArrayList<>();
    if (!r.hasPath("params")) {
      throw new ConfigError(origin + ": sweep.random.params must name at least one parameter");
    }
    Config p = r.getConfig("params");
    for (Map.Entry<String, String> pk : paramKeys(p).entrySet()) {
      String key = pk.getKey();
      known.check(origin, "sweep.random.params", key);
      Config d = p.getConfig(pk.getValue());
      for (String k : d.root().keySet()) {
        if (!PARAM_KEYS.contains(k)) {
          throw new ConfigError(
              origin
                  + ": unknown sweep key 'sweep.random.params.\""
                  + key
                  + "\"."
                  + k
                  + "' (known: "
                  + sorted(PARAM_KEYS)
                  + ")");
        }
      }
      String where = origin + ": sweep.random.params \"" + key + "\"";
      Dist dist;
      try {
        dist = Dist.valueOf(d.getString("dist").toUpperCase(Locale.ROOT));
      } catch (ConfigException.Missing e) {
        throw new ConfigError(where + ": dist is required (uniform, log_uniform or choice)");
      } catch (IllegalArgumentException e) {
        throw new ConfigError(
            where
                + ": unknown dist '"
                + d.getString("dist")
                + "' (expected uniform, log_uniform or choice)");
      }
      if (dist == Dist.CHOICE) {
        List<String> values = new ArrayList<>();
        if (d.hasPath("values")) {
          for (ConfigValue v : d.getList("values")) {
            values.add(render(v));
          }
        }
        if (values.isEmpty()) {
          throw new ConfigError(where + ": choice needs a non-empty values list");
        }
        params.add(new Param(key, dist, 0, 0, List.copyOf(values)));
      } else {
        if (!d.hasPath("min") || !d.hasPath("max")) {
          throw new ConfigError(where + ": min and max are required");
        }
        double min = d.getDouble("min");
        double max = d.getDouble("max");
        if (!(min <= max) || dist == Dist.LOG_UNIFORM && !(min > 0)) {
          throw new ConfigError(
              where
                  + ": need min <= max"
                  + (dist == Dist.LOG_UNIFORM ? " and min > 0" : "")
                  + ", got min="
                  + min
                  + " max="
                  + max);
        }
        params.add(new Param(key, dist, min, max, List.of()));
      }
    }
    int top = 0;
    int refineTrials = 0;
    double shrink = 0.25;
    if (r.hasPath("refine")) {
      Config f = r.getConfig("refine");
      for (String k : f.root().keySet()) {
        if (!REFINE_KEYS.contains(k)) {
          throw new ConfigError(
              origin
                  + ": unknown sweep key 'sweep.random.refine."
                  + k
                  + "' (known: "
                  + sorted(REFINE_KEYS)
                  + ")");
        }
      }
      top = f.hasPath("top") ? f.getInt("top") : 1;
      refineTrials = f.hasPath("trials") ? f.getInt("trials") : trials;
      shrink = f.hasPath("shrink") ? f.getDouble("shrink") : 0.25;
      if (top <= 0 || refineTrials <= 0 || !(shrink > 0 && shrink <= 1)) {
        throw new ConfigError(
            origin
                + ": sweep.random.refine needs top > 0, trials > 0 and 0 < shrink <= 1, got top="
                + top
                + " trials="
                + refineTrials
                + " shrink="
                + shrink);
      }
    }
    boolean perPoint = r.hasPath("per_point") && r.getBoolean("per_point");
    return new RandomSpec(trials, seed, List.copyOf(params), top, refineTrials, shrink, perPoint);
  }

  /**
   * Keys of params (quoted "a.b" = {dist ...} or nested a { b { dist ... } }) mapped to their HOCON
   * paths.
   */
  private static Map<String, String> paramKeys(Config p) {
    Map<String, String> keys = new java.util.TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : p.entrySet()) {
      String path = e.getKey();
      int dot = path.lastIndexOf('.');
      if (dot < 0) {
        throw new ConfigError(
            "sweep.random.params." + path + " must be an object { dist, min, max }");
      }
      keys.putIfAbsent(unquote(path.substring(0, dot)), path.substring(0, dot));
    }
    return keys;
  }

  /** Leaf values of a config as (dotted key, value), lists kept whole. */
  private static List<Map.Entry<String, ConfigValue>> flatten(Config c) {
    List<Map.Entry<String, ConfigValue>> out = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      out.add(Map.entry(unquote(e.getKey()), e.getValue()));
    }
    return out;
  }

  private static String unquote(String path) {
    return path.replace("\"", "");
  }

  /**
   * A value as HOCON text for a {@code key=value} override: strings quoted, numbers and lists as
   * JSON.
   */
  static String render(ConfigValue v) {
    return v.render(ConfigRenderOptions.concise());
  }

  private static String sorted(Set<String> s) {
    return String.join(", ", new java.util.TreeSet<>(s));
  }

  /** Config keys a trial may set: those of polyak-defaults.conf plus the sweep-only warmup key. */
  static final class KnownKeys {
    private final Config defaults;

    private KnownKeys(Config defaults) {
      this.defaults = defaults;
    }

    static KnownKeys load() {
      return new KnownKeys(
          ConfigFactory.parseResources(SweepSpec.class.getClassLoader(), "polyak-defaults.conf"));
    }

    void check(String origin, String where, String key) {
      if (key.equals(WARMUP_EPOCHS) || key.equals(EVALUATE_EPOCHS)) {
        return;
      }
      if (!defaults.hasPathOrNull(key)
          || defaults.getValue(key).valueType() == ConfigValueType.OBJECT) {
        throw new ConfigError(origin + ": " + where + ": '" + key + "' is not a known config key");
      }
    }
  }
}
