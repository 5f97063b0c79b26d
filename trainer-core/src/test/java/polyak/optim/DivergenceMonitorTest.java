package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DivergenceMonitorTest {
  private static final DivergenceSpec SPEC = new DivergenceSpec(5, 1e4, 3, 0.01);

  /**
   * Feeds losses for steps 1, 2, ... with a gradient norm of 1; returns the step that threw, or −1.
   */
  private static DivergenceException feed(DivergenceMonitor m, double... losses) {
    return assertThrows(
        DivergenceException.class,
        () -> {
          for (int i = 0; i < losses.length; i++) {
            m.observeStep(i + 1, losses[i], 1.0);
          }
        });
  }

  @Test
  void sgdAtAHugeRateIsStoppedAtTheSecondIteration() {
    // the case: loss 2.3 at iteration 1, 2e17 at iteration 2 (it used to run on to
    // iteration 20)
    DivergenceException e = feed(new DivergenceMonitor(SPEC, 10), 2.3, 2e17, 1e30);
    assertEquals(2, e.iteration());
    assertEquals(1, e.firstSuspectStep());
    assertTrue(
        e.getMessage()
            .startsWith("iteration 2: loss exploded to 2.000e+17 from 2.300 at iteration 1"),
        e.getMessage());
  }

  @Test
  void anExplosionThatComesBackIsCaughtOnTheWayUp() {
    // momentum at lr 50: 7e19 and back to a finite 100 used to finish "completed"
    DivergenceException e =
        feed(new DivergenceMonitor(SPEC, 10), 2.3, 1.9, 1.5, 40, 3e3, 7e19, 100);
    assertEquals(6, e.iteration(), "x2000 (3e3 from 1.5) is within the factor, 7e19 is not");
    assertEquals(3, e.firstSuspectStep(), "the smallest loss of the window was at iteration 3");
  }

  @Test
  void noisyButHealthyTrainingPasses() {
    DivergenceMonitor m = new DivergenceMonitor(SPEC, 10);
    assertDoesNotThrow(
        () -> {
          double loss = 2.3;
          for (int t = 1; t <= 500; t++) {
            loss *= 0.99;
            m.observeStep(t, loss * (t % 7 == 0 ? 50 : 1), 1 + (t % 3));
          }
        });
  }

  @Test
  void slowGrowthBeyondTheWindowIsNotAnExplosion() {
    // ×10 per window of 5 steps never reaches ×1e4 within one window
    DivergenceMonitor m = new DivergenceMonitor(SPEC, 10);
    assertDoesNotThrow(
        () -> {
          for (int t = 1; t <= 40; t++) {
            m.observeStep(t, Math.pow(10, t / 5.0), 1);
          }
        });
  }

  @Test
  void gradientNormExplosionIsNamed() {
    DivergenceMonitor m = new DivergenceMonitor(SPEC, 10);
    m.observeStep(1, 1.0, 0.5);
    m.observeStep(2, 1.0, 0.7);
    DivergenceException e =
        assertThrows(DivergenceException.class, () -> m.observeStep(3, 1.0, 1e5));
    assertTrue(e.getMessage().startsWith("iteration 3: gradient norm exploded"), e.getMessage());
  }

  @Test
  void offMeansOff() {
    DivergenceMonitor m = new DivergenceMonitor(DivergenceSpec.OFF, 10);
    assertDoesNotThrow(
        () -> {
          m.observeStep(1, 1, 1);
          m.observeStep(2, 1e30, 1e30);
          for (int e = 1; e <= 10; e++) {
            m.observeEvaluation(e * 10, e, 0.0);
          }
        });
  }

  @Test
  void accuracyAtChanceForNEvaluationsIsACollapse() {
    DivergenceMonitor m = new DivergenceMonitor(SPEC, 10);
    // the first epoch does not count, a recovery resets the count
    m.observeEvaluation(5, 0.5, 0.05);
    m.observeEvaluation(10, 1, 0.095);
    m.observeEvaluation(20, 2, 0.109);
    m.observeEvaluation(30, 3, 0.5);
    m.observeEvaluation(40, 4, 0.095);
    m.observeEvaluation(50, 5, 0.1);
    CollapseException e =
        assertThrows(CollapseException.class, () -> m.observeEvaluation(60, 6, 0.0));
    assertEquals(60, e.iteration());
    assertEquals(40, e.firstSuspectStep());
    assertTrue(
        e.getMessage()
            .startsWith(
                "training collapsed at iteration 60: validation accuracy 0.0000 is at"
                    + " chance level (1/10 = 0.1000"),
        e.getMessage());
  }

  @Test
  void noValidationDataIsNoCollapse() {
    DivergenceMonitor m = new DivergenceMonitor(SPEC, 10);
    assertDoesNotThrow(
        () -> {
          for (int e = 1; e <= 10; e++) {
            m.observeEvaluation(e, e, Double.NaN);
          }
        });
  }

  @Test
  void chanceIsOnlyJudgedForClassifiers() {
    DivergenceMonitor m = new DivergenceMonitor(SPEC, 0);
    assertDoesNotThrow(
        () -> {
          for (int e = 1; e <= 10; e++) {
            m.observeStep(e, 1, 1);
            m.observeEvaluation(e, e, 0.0);
          }
        });
  }

  @Test
  void anExactlyZeroGradientForNEvaluationsIsACollapse() {
    DivergenceMonitor m = new DivergenceMonitor(SPEC, 10);
    long t = 0;
    for (int e = 1; e <= 2; e++) {
      for (int i = 0; i < 4; i++) {
        m.observeStep(++t, 0.7, 0.0);
      }
      m.observeEvaluation(t, 0.5 * e, 0.9);
    }
    m.observeStep(++t, 0.7, 0.0);
    m.observeStep(++t, 0.7, 1e-300); // one non-zero gradient resets the count
    m.observeEvaluation(t, 1.2, 0.9);
    for (int e = 1; e <= 2; e++) {
      for (int i = 0; i < 4; i++) {
        m.observeStep(++t, 0.7, 0.0);
      }
      m.observeEvaluation(t, 1.5 + e, 0.9);
    }
    for (int i = 0; i < 4; i++) {
      m.observeStep(++t, 0.7, 0.0);
    }
    long last = t;
    CollapseException e =
        assertThrows(CollapseException.class, () -> m.observeEvaluation(last, 4, 0.9));
    assertTrue(
        e.getMessage().contains("the gradient was exactly zero in every step for 3 evaluations"),
        e.getMessage());
    assertEquals(14, e.firstSuspectStep());
  }

  @Test
  void badSettingsNameTheirKey() {
    OptimizerConfigException e =
        assertThrows(OptimizerConfigException.class, () -> new DivergenceSpec(5, 0.5, 3, 0));
    assertEquals("divergence.growth must be 0 (off) or a number > 1, got 0.5", e.getMessage());
    assertThrows(OptimizerConfigException.class, () -> new DivergenceSpec(-1, 10, 3, 0));
    assertThrows(OptimizerConfigException.class, () -> new DivergenceSpec(5, 10, -3, 0));
    assertThrows(OptimizerConfigException.class, () -> new DivergenceSpec(5, 10, 3, 1.5));
  }
}
