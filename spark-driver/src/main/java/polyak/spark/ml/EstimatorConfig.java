package polyak.spark.ml;

import com.typesafe.config.ConfigUtil;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.Param;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;

/**
 * A {@link PolyakEstimator}'s params as a polyak config, through {@link ConfigLoader} — the CLI's
 * own parsing, validation and messages. The {@code config} param is the config file, read after the
 * estimator's own defaults; typed params that are set come last, as command-line overrides do.
 * Unlike a config file, scaling defaults to none: in a Pipeline a StandardScaler stage does that
 * work.
 */
final class EstimatorConfig {
  private EstimatorConfig() {}

  /**
   * @param inputWidth the features' width (network.input), or 0 while it is not yet known
   * @param outputDir output.dir (metrics.jsonl, model.polyak; checkpoints unless checkpointDir is
   *     set)
   */
  static PolyakConfig build(PolyakEstimator<?, ?> est, int inputWidth, String outputDir) {
    String origin = est.getClass().getSimpleName() + " config";
    String text = est.configDefaults() + est.getConfig();
    List<String> overrides = new ArrayList<>();
    if (est.has(est.layers())) {
      List<String> quoted = new ArrayList<>();
      for (String layer : est.value(est.layers())) {
        quoted.add(ConfigUtil.quoteString(layer));
      }
      overrides.add("network.layers=[" + String.join(", ", quoted) + "]");
    }
    string(est, est.optimizer(), "optimizer.name", overrides);
    string(est, est.learningRateSchedule(), "learning_rate.schedule", overrides);
    number(est, est.learningRate(), "learning_rate.initial", overrides);
    number(est, est.batchSize(), "training.batch_size", overrides);
    number(est, est.epochs(), "training.epochs", overrides);
    number(est, est.seed(), "training.seed", overrides);
    number(est, est.regParam(), "regularization.l2", overrides);
    string(est, est.checkpointDir(), "checkpoint.dir", overrides);
    overrides.add("output.dir=" + ConfigUtil.quoteString(outputDir));
    if (inputWidth > 0) {
      overrides.add("network.input=" + inputWidth);
    }
    PolyakConfig c = ConfigLoader.parse(text, overrides, origin);
    // the network decides what the labels are (for classes: their range); data.classes follows it
    overrides.add("data.classes=" + est.classes(c.network()));
    if (c.ensemble().active()) {
      throw new IllegalArgumentException(
          "config: ensemble.members: a polyak Estimator trains one model; train an"
              + " ensemble with polyak train (the ensemble's model file loads as a polyak model's data)");
    }
    return ConfigLoader.parse(text, overrides, origin);
  }

  private static void string(
      PolyakEstimator<?, ?> est, Param<String> p, String key, List<String> overrides) {
    if (est.has(p)) {
      overrides.add(key + "=" + ConfigUtil.quoteString(est.value(p)));
    }
  }

  private static void number(
      PolyakEstimator<?, ?> est, Param<?> p, String key, List<String> overrides) {
    if (est.has(p)) {
      overrides.add(key + "=" + est.value(p));
    }
  }
}
