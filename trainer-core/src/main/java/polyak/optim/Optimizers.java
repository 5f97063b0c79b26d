package polyak.optim;

import polyak.nn.ParameterLayout;

/** Builds an {@link Optimizer} from an {@link OptimizerSpec}. */
public final class Optimizers {
  private Optimizers() {}

  /**
   * @param iterationsPerEpoch only used by an epoch-based (step) momentum schedule
   */
  public static Optimizer create(
      OptimizerSpec spec, ParameterLayout layout, long iterationsPerEpoch) {
    int n = layout.size();
    Schedule mu =
        spec.momentumSchedule() == null
            ? new ConstantSchedule(spec.momentum())
            : Schedules.create(spec.momentumSchedule(), iterationsPerEpoch);
    return switch (spec.kind()) {
      case SGD -> new Sgd(n);
      case MOMENTUM -> new Momentum(n, mu);
      case NESTEROV -> new NesterovMomentum(n, mu);
      case ADAGRAD -> new AdaGrad(n, spec.epsilon());
      case RMSPROP -> new RmsProp(n, spec.decay(), spec.epsilon());
      case RMSPROP_MOMENTUM -> new RmsPropMomentum(n, spec.decay(), spec.epsilon(), mu);
      case ADAM -> new Adam(n, spec.beta1(), spec.beta2(), spec.epsilon(), spec.biasCorrection());
      case ADAMW ->
          new AdamW(
              layout,
              spec.beta1(),
              spec.beta2(),
              spec.epsilon(),
              spec.biasCorrection(),
              spec.weightDecay(),
              Regularization.DEFAULT_KINDS);
      case LARS ->
          new Lars(
              layout,
              mu,
              spec.trustCoefficient(),
              spec.weightDecay(),
              Regularization.DEFAULT_KINDS);
      case LAMB ->
          new Lamb(
              layout,
              spec.beta1(),
              spec.beta2(),
              spec.epsilon(),
              spec.trustCoefficient(),
              spec.weightDecay(),
              Regularization.DEFAULT_KINDS);
      case LBFGS ->
          throw new OptimizerConfigException(
              "optimizer.name = lbfgs is a full-batch method, not a"
                  + " minibatch step; the training loop runs it in its full-batch mode");
    };
  }

  /**
   * As {@link #create(OptimizerSpec, ParameterLayout, long)}, for specs without an epoch-based
   * momentum schedule.
   */
  public static Optimizer create(OptimizerSpec spec, ParameterLayout layout) {
    if (spec.momentumSchedule() != null && spec.momentumSchedule().kind() == ScheduleKind.STEP) {
      throw new OptimizerConfigException(
          "optimizer.momentum_schedule of kind 'step' needs the number of iterations per epoch");
    }
    return create(spec, layout, 1);
  }
}
