package polyak.spark.config;

/**
 * Config block {@code distillation}: the teacher's model file ("" for none), α and the temperature
 * T.
 */
public record DistillationConfig(String teacher, double alpha, double temperature) {
  public static final DistillationConfig NONE = new DistillationConfig("", 0.5, 4);

  public DistillationConfig {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new ConfigError("distillation.alpha must be in [0, 1], got " + alpha);
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new ConfigError(
          "distillation.temperature must be a positive number, got " + temperature);
    }
  }

  public boolean active() {
    return !teacher.isBlank();
  }
}
