package polyak.optim;

/**
 * Field validation for the specs, producing messages such as "optimizer.beta1 must be in [0, 1),
 * got 1.5".
 */
final class ConfigChecks {
  private ConfigChecks() {}

  static void unitInterval(String field, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new OptimizerConfigException(field + " must be in [0, 1), got " + value);
    }
  }

  static void positive(String field, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new OptimizerConfigException(field + " must be finite and > 0, got " + value);
    }
  }

  static void nonNegative(String field, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new OptimizerConfigException(field + " must be finite and >= 0, got " + value);
    }
  }

  static void atLeast(String field, long value, long min) {
    if (value < min) {
      throw new OptimizerConfigException(field + " must be >= " + min + ", got " + value);
    }
  }

  static void required(String field, Object value) {
    if (value == null) {
      throw new OptimizerConfigException(field + " is required");
    }
  }
}
