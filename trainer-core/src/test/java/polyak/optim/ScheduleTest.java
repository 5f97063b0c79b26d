package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final double TOL = 1e-15;

  @Test
  void constant() {
    Schedule s = new ConstantSchedule(0.1);
    assertEquals(0.1, s.valueAt(0));
    assertEquals(0.1, s.valueAt(1_000_000));
  }

  @Test
  void stepDecayEveryKEpochs() {
    // 100 iterations per epoch, halve every 3 epochs.
    Schedule s = StepDecaySchedule.everyEpochs(0.8, 0.5, 3, 100);
    assertEquals(0.8, s.valueAt(0));
    assertEquals(0.8, s.valueAt(299));
    assertEquals(0.4, s.valueAt(300));
    assertEquals(0.2, s.valueAt(600));
    assertEquals(0.1, s.valueAt(950));
  }

  @Test
  void exponentialAndInverseTime() {
    Schedule exp = new ExponentialDecaySchedule(0.1, 0.01);
    assertEquals(0.1, exp.valueAt(0), TOL);
    assertEquals(0.1 * Math.exp(-1), exp.valueAt(100), TOL);
    Schedule inv = new InverseTimeDecaySchedule(0.1, 0.01);
    assertEquals(0.1, inv.valueAt(0), TOL);
    assertEquals(0.05, inv.valueAt(100), TOL);
    assertEquals(0.025, inv.valueAt(300), TOL);
  }

  @Test
  void polynomialReachesEndRateAtT() {
    Schedule s = new PolynomialSchedule(1.0, 0.1, 100, 2);
    assertEquals(1.0, s.valueAt(0), TOL);
    assertEquals(0.1 + 0.9 * 0.25, s.valueAt(50), TOL); // (1 − 50/100)² = 0.25
    assertEquals(0.1, s.valueAt(100), TOL);
    assertEquals(0.1, s.valueAt(1000), TOL);
  }

  @Test
  void linearMomentumAnnealing() {
    Schedule mu = PolynomialSchedule.linear(0.5, 0.99, 1000);
    assertEquals(0.5, mu.valueAt(0), TOL);
    assertEquals(0.745, mu.valueAt(500), 1e-12);
    assertEquals(0.99, mu.valueAt(1000), TOL);
    assertEquals(0.99, mu.valueAt(5000), TOL);
  }

  @Test
  void cosineToFloor() {
    Schedule s = new CosineSchedule(1.0, 0.1, 100);
    assertEquals(1.0, s.valueAt(0), TOL);
    assertEquals(0.55, s.valueAt(50), 1e-12); // cos(π/2) = 0: halfway between 1 and 0.1
    assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.valueAt(25), TOL);
    assertEquals(0.1, s.valueAt(100), TOL);
    assertEquals(0.1, s.valueAt(200), TOL);
  }

  @Test
  void warmupRisesLinearlyAndReachesBaseExactlyAtItsEnd() {
    Schedule base = new CosineSchedule(0.4, 0.0, 1000);
    Schedule s = new WarmupSchedule(base, 100, 0.0);
    assertEquals(0.0, s.valueAt(0));
    assertEquals(base.valueAt(100) * 0.5, s.valueAt(50), TOL);
    assertEquals(base.valueAt(100), s.valueAt(100)); // exact
    assertEquals(base.valueAt(101), s.valueAt(101));
    assertEquals(base.valueAt(700), s.valueAt(700));
    for (long i = 1; i <= 100; i++) {
      assertTrue(s.valueAt(i) > s.valueAt(i - 1), "warmup not increasing at " + i);
    }
  }

  @Test
  void warmupComposesWithStepDecayThroughTheSpec() {
    ScheduleSpec spec = ScheduleSpec.step(0.8, 0.5, 1).withWarmup(10, 0.08);
    Schedule s = Schedules.create(spec, 20);
    assertEquals(0.08, s.valueAt(0), TOL);
    assertEquals(0.8, s.valueAt(10));
    assertEquals(0.4, s.valueAt(20));
  }

  @Test
  void batchSizeScalingRules() {
    assertEquals(0.8, LearningRateScaling.linear(0.1, 2048, 256), TOL);
    assertEquals(0.1 * Math.sqrt(8), LearningRateScaling.squareRoot(0.1, 2048, 256), TOL);
    assertEquals(0.05, LearningRateScaling.linear(0.1, 128, 256), TOL);
  }

  @Test
  void specsBuildTheMatchingSchedules() {
    assertEquals(0.05, Schedules.create(ScheduleSpec.inverseTime(0.1, 0.01), 1).valueAt(100), TOL);
    assertEquals(
        0.1 * Math.exp(-1),
        Schedules.create(ScheduleSpec.exponential(0.1, 0.01), 1).valueAt(100),
        TOL);
    assertEquals(0.1, Schedules.create(ScheduleSpec.polynomial(1, 0.1, 10, 1), 1).valueAt(10), TOL);
    assertEquals(0.55, Schedules.create(ScheduleSpec.cosine(1, 0.1, 100), 1).valueAt(50), 1e-12);
    assertEquals(0.3, Schedules.create(ScheduleSpec.constant(0.3), 1).valueAt(7), TOL);
  }
}
