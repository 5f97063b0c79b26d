package polyak.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import polyak.train.ProgressSpec;

/**
 * The config keys of {@link ProgressSpec}: {@code evaluation.target_accuracy} and {@code
 * noise_scale { enabled, decay }}. Read from the resolved config at load time (so a bad value is
 * refused naming its key) and again from a {@link PolyakConfig}'s rendered config by the run.
 */
public final class ProgressConfig {
  private ProgressConfig() {}

  /** The progress options of a resolved config (defaults included). */
  public static ProgressSpec parse(Config c) {
    double target = c.getDouble("evaluation.target_accuracy");
    if (!(target >= 0 && target <= 1)) {
      throw new ConfigError("evaluation.target_accuracy must be in [0, 1] (0: off), got " + target);
    }
    double decay = c.getDouble("noise_scale.decay");
    if (!(decay >= 0 && decay < 1)) {
      throw new ConfigError("noise_scale.decay must be in [0, 1), got " + decay);
    }
    return new ProgressSpec(target, c.getBoolean("noise_scale.enabled"), decay);
  }

  /** The progress options of a loaded run config. */
  public static ProgressSpec of(PolyakConfig config) {
    try {
      Config c = ConfigFactory.parseString(config.rendered());
      Config defaults =
          ConfigFactory.parseResources(
              ProgressConfig.class.getClassLoader(), "polyak-defaults.conf");
      return parse(c.withFallback(defaults.withoutPath("fashion_mnist")).resolve());
    } catch (ConfigException e) {
      throw new ConfigError("cannot read the progress options: " + e.getMessage(), e);
    }
  }
}
