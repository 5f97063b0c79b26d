package polyak.optim;

/** Builds a {@link Schedule} from a {@link ScheduleSpec}. */
public final class Schedules {
  private Schedules() {}

  /**
   * @param iterationsPerEpoch converts the step schedule's epochs to iterations
   */
  public static Schedule create(ScheduleSpec spec, long iterationsPerEpoch) {
    Schedule base =
        switch (spec.kind()) {
          case CONSTANT -> new ConstantSchedule(spec.initial());
          case STEP -> {
            ConfigChecks.atLeast(
                "iterations per epoch (for schedule.step_epochs)", iterationsPerEpoch, 1);
            yield StepDecaySchedule.everyEpochs(
                spec.initial(), spec.factor(), spec.stepEpochs(), iterationsPerEpoch);
          }
          case EXPONENTIAL -> new ExponentialDecaySchedule(spec.initial(), spec.decayRate());
          case INVERSE_TIME -> new InverseTimeDecaySchedule(spec.initial(), spec.decayRate());
          case POLYNOMIAL ->
              new PolynomialSchedule(
                  spec.initial(), spec.end(), spec.totalIterations(), spec.power());
          case COSINE -> new CosineSchedule(spec.initial(), spec.end(), spec.totalIterations());
        };
    return spec.warmupIterations() > 0
        ? new WarmupSchedule(base, spec.warmupIterations(), spec.warmupStart())
        : base;
  }
}
