package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import polyak.nn.ParameterLayout;

class SpecTest {
  private static final ParameterLayout LAYOUT = TestLayouts.network();

  @Test
  void factoryBuildsEveryKindByConfigName() {
    for (OptimizerKind kind : OptimizerKind.values()) {
      if (kind.fullBatch()) {
        continue; // L-BFGS is no minibatch step: FullBatchLbfgsTest covers it
      }
      Optimizer o = Optimizers.create(OptimizerSpec.defaults(kind.configName()), LAYOUT);
      assertEquals(kind.configName(), o.name());
      assertEquals(LAYOUT.size(), o.size());
    }
    assertInstanceOf(AdamW.class, Optimizers.create(OptimizerSpec.defaults("adamw"), LAYOUT));
    assertInstanceOf(
        RmsPropMomentum.class,
        Optimizers.create(OptimizerSpec.defaults("rmsprop_momentum"), LAYOUT));
  }

  @Test
  void validationMessagesNameTheField() {
    OptimizerSpec adam = OptimizerSpec.defaults("adam");
    assertEquals(
        "optimizer.beta1 must be in [0, 1), got 1.5",
        assertThrows(OptimizerConfigException.class, () -> adam.withBeta1(1.5)).getMessage());
    assertEquals(
        "optimizer.epsilon must be finite and > 0, got 0.0",
        assertThrows(OptimizerConfigException.class, () -> adam.withEpsilon(0)).getMessage());
    assertEquals(
        "optimizer.weight_decay is not used by 'adam' (use adamw, lars or lamb, or an L2 weight penalty"
            + " on the gradient), got 0.01",
        assertThrows(OptimizerConfigException.class, () -> adam.withWeightDecay(0.01))
            .getMessage());
    assertEquals(
        "optimizer.momentum_schedule.end must be in [0, 1), got 1.2",
        assertThrows(
                OptimizerConfigException.class,
                () ->
                    OptimizerSpec.defaults("momentum")
                        .withMomentumSchedule(ScheduleSpec.polynomial(0.5, 1.2, 10, 1)))
            .getMessage());
    assertEquals(
        "optimizer.name must be one of [sgd, momentum, nesterov, adagrad, rmsprop, rmsprop_momentum,"
            + " adam, adamw, lars, lamb, lbfgs], got 'adamax'",
        assertThrows(OptimizerConfigException.class, () -> OptimizerSpec.defaults("adamax"))
            .getMessage());
    assertEquals(
        "schedule.factor must be in (0, 1], got 2.0",
        assertThrows(OptimizerConfigException.class, () -> ScheduleSpec.step(0.1, 2, 3))
            .getMessage());
    assertEquals(
        "schedule.total_iterations must be >= 0, got -1",
        assertThrows(OptimizerConfigException.class, () -> ScheduleSpec.cosine(0.1, 0, -1))
            .getMessage());
    // 0 means "the whole run", filled in once the run's length is known.
    assertEquals(500, ScheduleSpec.cosine(0.1, 0, 0).spanning(500).totalIterations());
    assertEquals(70, ScheduleSpec.cosine(0.1, 0, 70).spanning(500).totalIterations());
    assertEquals(ScheduleKind.INVERSE_TIME, ScheduleKind.fromConfigName("inverse_time"));
  }

  @Test
  void momentumScheduleAnnealsMomentum() {
    // μ from 0.5 to 0.99 over 10 iterations: with g = 0 after the first step, v shrinks by μ_t each
    // step.
    OptimizerSpec spec =
        OptimizerSpec.defaults("momentum")
            .withMomentumSchedule(ScheduleSpec.polynomial(0.5, 0.99, 10, 1));
    Optimizer o = Optimizers.create(spec, TestLayouts.flat(1, 0));
    double[] x = {0};
    o.step(x, new double[] {-1}, 1, 1.0); // v = 1
    o.step(x, new double[] {0}, 2, 1.0); // v = μ(iteration 1) = 0.5 + 0.049
    assertEquals(1 + 0.549, x[0], 1e-12);
  }
}
