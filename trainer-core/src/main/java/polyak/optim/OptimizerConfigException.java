package polyak.optim;

/** An invalid optimizer or schedule configuration; the message names the config field. */
public final class OptimizerConfigException extends IllegalArgumentException {
  public OptimizerConfigException(String message) {
    super(message);
  }
}
