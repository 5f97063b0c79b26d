package polyak.optim;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The optimizers, by their config names: the first-order ones and full-batch L-BFGS. */
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
  LAMB("lamb"),
  /** Full-batch L-BFGS: not a per-minibatch step, run by the training loop's full-batch mode. */
  LBFGS("lbfgs");

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

  /** Whether this method works on the gradient of the whole training set (L-BFGS). */
  public boolean fullBatch() {
    return this == LBFGS;
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
    throw new OptimizerConfigException(
        "optimizer.name must be one of "
            + Arrays.stream(values())
                .map(OptimizerKind::configName)
                .collect(Collectors.joining(", ", "[", "]"))
            + ", got '"
            + name
            + "'");
  }
}
