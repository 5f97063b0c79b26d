package polyak.optim;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The first-order optimizers, by their config names. */
public enum OptimizerKind {
  SGD("sgd"),
  MOMENTUM("momentum"),
  NESTEROV("nesterov"),
  ADAGRAD("adagrad"),
  RMSPROP("rmsprop"),
  RMSPROP_MOMENTUM("rmsprop_momentum"),
  ADAM("adam"),
  ADAMW("adamw"),
  LARS("lars"),
  LAMB("lamb");

  private final String configName;

  OptimizerKind(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public boolean usesMomentum() {
    return this == MOMENTUM || this == NESTEROV || this == RMSPROP_MOMENTUM || this == LARS;
  }

  public boolean usesWeightDecay() {
    return this == ADAMW || this == LARS || this == LAMB;
  }

  /** Parses a config name such as "adam"; the error lists the valid names. */
  public static OptimizerKind fromConfigName(String name) {
    for (OptimizerKind k : values()) {
      if (k.configName.equals(name)) {
        return k;
      }
    }
    throw new OptimizerConfigException("optimizer.name must be one of "
        + Arrays.stream(values()).map(OptimizerKind::configName).collect(Collectors.joining(", ", "[", "]"))
        + ", got '" + name + "'");
  }
}
