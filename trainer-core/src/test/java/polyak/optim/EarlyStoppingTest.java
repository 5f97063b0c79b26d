package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
  @Test
  void stopsAfterPatienceAndRestoresTheBestParameters() {
    EarlyStopping stopping = new EarlyStopping(2, MetricGoal.MINIMIZE, 3, 0.0);
    double[] theta = new double[2];
    double[] losses = {1.0, 0.8, 0.5, 0.6, 0.55, 0.7, 0.9};
    int stoppedAt = -1;
    for (int epoch = 0; epoch < losses.length; epoch++) {
      theta[0] = epoch;
      theta[1] = -epoch;
      if (stopping.observe(losses[epoch], theta)) {
        stoppedAt = epoch;
        break;
      }
    }
    assertEquals(5, stoppedAt); // best at epoch 2, then 3 evaluations without improvement
    assertEquals(0.5, stopping.bestMetric());
    assertEquals(3, stopping.bestEvaluation());
    stopping.restoreBest(theta);
    assertArrayEquals(new double[] {2, -2}, theta);
  }

  @Test
  void higherIsBetterWithMinDeltaAndNaN() {
    EarlyStopping stopping = new EarlyStopping(1, MetricGoal.MAXIMIZE, 2, 0.01);
    double[] theta = {0};
    assertFalse(stopping.observe(Double.NaN, theta));
    theta[0] = 1;
    assertFalse(stopping.observe(0.90, theta));
    theta[0] = 2;
    assertFalse(stopping.observe(0.905, theta)); // within minDelta: not an improvement
    theta[0] = 3;
    assertTrue(stopping.observe(0.5, theta));
    stopping.restoreBest(theta);
    assertEquals(1, theta[0]);
  }
}
