package polyak.optim;

/**
 * Immutable, validated optimizer configuration, mapped from {@code optimizer { name = adam, beta1 =
 * 0.9, ... }} (keys: {@code name, momentum, momentum_schedule, decay, beta1, beta2, epsilon,
 * bias_correction, weight_decay, trust_coefficient}). The learning rate is not here: it comes from
 * a {@link ScheduleSpec}. Start from {@link #defaults} and override with the {@code with…} methods.
 *
 * @param momentum μ for momentum, nesterov, rmsprop_momentum and lars
 * @param momentumSchedule if non-null, replaces the constant {@code momentum} (e.g. linear 0.5 →
 *     0.99)
 * @param decay β of RMSProp's moving average of g²
 * @param epsilon δ added to the denominator of the adaptive methods
 * @param biasCorrection Adam/AdamW bias correction (LAMB always corrects)
 * @param weightDecay decoupled decay λ of adamw, lars and lamb (WEIGHT segments)
 * @param trustCoefficient η of the LARS/LAMB trust ratio η‖w‖/‖u‖
 * @param history m, the number of correction pairs L-BFGS keeps
 */
public record OptimizerSpec(
    OptimizerKind kind,
    double momentum,
    ScheduleSpec momentumSchedule,
    double decay,
    double beta1,
    double beta2,
    double epsilon,
    boolean biasCorrection,
    double weightDecay,
    double trustCoefficient,
    int history) {

  public OptimizerSpec {
    ConfigChecks.required("optimizer.name", kind);
    ConfigChecks.unitInterval("optimizer.momentum", momentum);
    if (momentumSchedule != null) {
      ConfigChecks.unitInterval("optimizer.momentum_schedule.initial", momentumSchedule.initial());
      ConfigChecks.unitInterval("optimizer.momentum_schedule.end", momentumSchedule.end());
      ConfigChecks.unitInterval(
          "optimizer.momentum_schedule.warmup_start", momentumSchedule.warmupStart());
    }
    ConfigChecks.unitInterval("optimizer.decay", decay);
    ConfigChecks.unitInterval("optimizer.beta1", beta1);
    ConfigChecks.unitInterval("optimizer.beta2", beta2);
    ConfigChecks.positive("optimizer.epsilon", epsilon);
    ConfigChecks.nonNegative("optimizer.weight_decay", weightDecay);
    ConfigChecks.positive("optimizer.trust_coefficient", trustCoefficient);
    ConfigChecks.atLeast("optimizer.history", history, 1);
    if (weightDecay != 0 && !kind.usesWeightDecay()) {
      throw new OptimizerConfigException(
          "optimizer.weight_decay is not used by '"
              + kind.configName()
              + "' (use adamw, lars or lamb, or an L2 weight penalty on the gradient), got "
              + weightDecay);
    }
    if (momentumSchedule != null && !kind.usesMomentum()) {
      throw new OptimizerConfigException(
          "optimizer.momentum_schedule is not used by '" + kind.configName() + "'");
    }
  }

  /**
   * Conventional defaults: μ 0.9, RMSProp β 0.9, Adam β₁ 0.9 β₂ 0.999, δ 1e-8 (AdaGrad 1e-7), LARS
   * η 0.001.
   */
  public static OptimizerSpec defaults(OptimizerKind kind) {
    double epsilon =
        kind == OptimizerKind.ADAGRAD ? 1e-7 : (kind == OptimizerKind.LAMB ? 1e-6 : 1e-8);
    double trust = kind == OptimizerKind.LARS ? 0.001 : 1.0;
    return new OptimizerSpec(kind, 0.9, null, 0.9, 0.9, 0.999, epsilon, true, 0.0, trust, 10);
  }

  public static OptimizerSpec defaults(String name) {
    return defaults(OptimizerKind.fromConfigName(name));
  }

  public OptimizerSpec withMomentum(double value) {
    return new OptimizerSpec(
        kind,
        value,
        momentumSchedule,
        decay,
        beta1,
        beta2,
        epsilon,
        biasCorrection,
        weightDecay,
        trustCoefficient,
        history);
  }

  public OptimizerSpec withMomentumSchedule(ScheduleSpec value) {
    return new OptimizerSpec(
        kind,
        momentum,
        value,
        decay,
        beta1,
        beta2,
        epsilon,
        biasCorrection,
        weightDecay,
        trustCoefficient,
        history);
  }

  public OptimizerSpec withDecay(double value) {
    return new OptimizerSpec(
        kind,
        momentum,
        momentumSchedule,
        value,
        beta1,
        beta2,
        epsilon,
        biasCorrection,
        weightDecay,
        trustCoefficient,
        history);
  }

  public OptimizerSpec withBeta1(double value) {
    return new OptimizerSpec(
        kind,
        momentum,
        momentumSchedule,
        decay,
        value,
        beta2,
        epsilon,
        biasCorrection,
        weightDecay,
        trustCoefficient,
        history);
  }

  public OptimizerSpec withBeta2(double value) {
    return new OptimizerSpec(
        kind,
        momentum,
        momentumSchedule,
        decay,
        beta1,
        value,
        epsilon,
        biasCorrection,
        weightDecay,
        trustCoefficient,
        history);
  }

  public OptimizerSpec withEpsilon(double value) {
    return new OptimizerSpec(
        kind,
        momentum,
        momentumSchedule,
        decay,
        beta1,
        beta2,
        value,
        biasCorrection,
        weightDecay,
        trustCoefficient,
        history);
  }

  public OptimizerSpec withBiasCorrection(boolean value) {
    return new OptimizerSpec(
        kind,
        momentum,
        momentumSchedule,
        decay,
        beta1,
        beta2,
        epsilon,
        value,
        weightDecay,
        trustCoefficient,
        history);
  }

  public OptimizerSpec withWeightDecay(double value) {
    return new OptimizerSpec(
        kind,
        momentum,
        momentumSchedule,
        decay,
        beta1,
        beta2,
        epsilon,
        biasCorrection,
        value,
        trustCoefficient,
        history);
  }

  public OptimizerSpec withHistory(int value) {
    return new OptimizerSpec(
        kind,
        momentum,
        momentumSchedule,
        decay,
        beta1,
        beta2,
        epsilon,
        biasCorrection,
        weightDecay,
        trustCoefficient,
        value);
  }

  public OptimizerSpec withTrustCoefficient(double value) {
    return new OptimizerSpec(
        kind,
        momentum,
        momentumSchedule,
        decay,
        beta1,
        beta2,
        epsilon,
        biasCorrection,
        weightDecay,
        value,
        history);
  }
}
