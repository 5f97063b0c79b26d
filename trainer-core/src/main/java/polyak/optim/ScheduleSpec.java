package polyak.optim;

/**
 * Immutable, validated schedule configuration (config keys in snake_case: {@code name, initial,
 * decay_rate, factor, step_epochs, end, total_iterations, power, warmup_iterations, warmup_start}).
 * Fields not used by {@code kind} are ignored. Iterations count completed updates (see {@link
 * Schedule}).
 *
 * @param initial ε₀ (or the starting momentum)
 * @param decayRate k of exponential e^(−k·i) and inverse-time 1/(1 + k·i), per iteration
 * @param factor step decay multiplier, applied every {@code stepEpochs} epochs
 * @param end final value of polynomial, floor of cosine
 * @param totalIterations T of polynomial and cosine; 0 means the whole training run (see {@link
 *     #spanning})
 * @param warmupIterations 0 for no warmup
 * @param warmupStart value at iteration 0 of the warmup
 */
public record ScheduleSpec(
    ScheduleKind kind,
    double initial,
    double decayRate,
    double factor,
    long stepEpochs,
    double end,
    long totalIterations,
    double power,
    long warmupIterations,
    double warmupStart) {

  public ScheduleSpec {
    ConfigChecks.required("schedule.name", kind);
    ConfigChecks.nonNegative("schedule.initial", initial);
    ConfigChecks.nonNegative("schedule.decay_rate", decayRate);
    ConfigChecks.atLeast("schedule.warmup_iterations", warmupIterations, 0);
    ConfigChecks.nonNegative("schedule.warmup_start", warmupStart);
    switch (kind) {
      case STEP -> {
        if (!(factor > 0 && factor <= 1)) {
          throw new OptimizerConfigException("schedule.factor must be in (0, 1], got " + factor);
        }
        ConfigChecks.atLeast("schedule.step_epochs", stepEpochs, 1);
      }
      case POLYNOMIAL, COSINE -> {
        ConfigChecks.nonNegative("schedule.end", end);
        ConfigChecks.atLeast("schedule.total_iterations", totalIterations, 0);
        ConfigChecks.positive("schedule.power", power);
      }
      default -> {}
    }
  }

  public static ScheduleSpec constant(double value) {
    return new ScheduleSpec(ScheduleKind.CONSTANT, value, 0, 1, 1, 0, 1, 1, 0, 0);
  }

  public static ScheduleSpec step(double initial, double factor, long stepEpochs) {
    return new ScheduleSpec(ScheduleKind.STEP, initial, 0, factor, stepEpochs, 0, 1, 1, 0, 0);
  }

  public static ScheduleSpec exponential(double initial, double decayRate) {
    return new ScheduleSpec(ScheduleKind.EXPONENTIAL, initial, decayRate, 1, 1, 0, 1, 1, 0, 0);
  }

  public static ScheduleSpec inverseTime(double initial, double decayRate) {
    return new ScheduleSpec(ScheduleKind.INVERSE_TIME, initial, decayRate, 1, 1, 0, 1, 1, 0, 0);
  }

  public static ScheduleSpec polynomial(
      double initial, double end, long totalIterations, double power) {
    return new ScheduleSpec(
        ScheduleKind.POLYNOMIAL, initial, 0, 1, 1, end, totalIterations, power, 0, 0);
  }

  public static ScheduleSpec cosine(double initial, double floor, long totalIterations) {
    return new ScheduleSpec(ScheduleKind.COSINE, initial, 0, 1, 1, floor, totalIterations, 1, 0, 0);
  }

  /** This spec with a total of 0 ("the whole run") replaced by {@code runIterations}. */
  public ScheduleSpec spanning(long runIterations) {
    if (totalIterations != 0) {
      return this;
    }
    return new ScheduleSpec(
        kind,
        initial,
        decayRate,
        factor,
        stepEpochs,
        end,
        Math.max(1, runIterations),
        power,
        warmupIterations,
        warmupStart);
  }

  public ScheduleSpec withWarmup(long iterations, double startValue) {
    return new ScheduleSpec(
        kind,
        initial,
        decayRate,
        factor,
        stepEpochs,
        end,
        totalIterations,
        power,
        iterations,
        startValue);
  }
}
