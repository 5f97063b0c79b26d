package polyak.spark.config;

/** A bad configuration: the message names the key (and the file) and what is wrong. */
public final class ConfigError extends RuntimeException {
  public ConfigError(String message) {
    super(message);
  }

  public ConfigError(String message, Throwable cause) {
    super(message, cause);
  }
}
