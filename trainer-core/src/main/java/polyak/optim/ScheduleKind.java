package polyak.optim;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The schedule shapes, by their config names; warmup is composed on top of any of them. */
public enum ScheduleKind {
  CONSTANT("constant"),
  STEP("step"),
  EXPONENTIAL("exponential"),
  INVERSE_TIME("inverse_time"),
  POLYNOMIAL("polynomial"),
  COSINE("cosine");

  private final String configName;

  ScheduleKind(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static ScheduleKind fromConfigName(String name) {
    for (ScheduleKind k : values()) {
      if (k.configName.equals(name)) {
        return k;
      }
    }
    throw new OptimizerConfigException(
        "schedule.name must be one of "
            + Arrays.stream(values())
                .map(ScheduleKind::configName)
                .collect(Collectors.joining(", ", "[", "]"))
            + ", got '"
            + name
            + "'");
  }
}
