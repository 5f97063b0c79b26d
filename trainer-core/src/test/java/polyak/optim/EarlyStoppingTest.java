package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
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

  /**
   * A run resumed from saved state stops at the same evaluation and restores the same parameters.
   */
  @Test
  void savedStateContinuesExactly() throws IOException {
    double[] losses = {1.0, 0.8, 0.5, 0.6, 0.55, 0.7, 0.9};
    EarlyStopping whole = new EarlyStopping(2, MetricGoal.MINIMIZE, 3, 0.0);
    EarlyStopping first = new EarlyStopping(2, MetricGoal.MINIMIZE, 3, 0.0);
    double[] theta = new double[2];
    for (int e = 0; e < 4; e++) {
      theta[0] = e;
      whole.observe(losses[e], theta);
      first.observe(losses[e], theta);
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    first.writeState(new DataOutputStream(buf));
    EarlyStopping resumed = new EarlyStopping(2, MetricGoal.MINIMIZE, 3, 0.0);
    resumed.readState(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())));
    assertEquals(whole.bestMetric(), resumed.bestMetric());
    assertEquals(whole.bestEvaluation(), resumed.bestEvaluation());
    theta[0] = 4;
    assertFalse(whole.observe(losses[4], theta));
    assertFalse(resumed.observe(losses[4], theta));
    theta[0] = 5;
    assertTrue(whole.observe(losses[5], theta));
    assertTrue(resumed.observe(losses[5], theta));
    double[] a = new double[2];
    double[] b = new double[2];
    whole.restoreBest(a);
    resumed.restoreBest(b);
    assertArrayEquals(a, b);

    EarlyStopping wrongSize = new EarlyStopping(3, MetricGoal.MINIMIZE, 3, 0.0);
    assertThrows(
        StateMismatchException.class,
        () ->
            wrongSize.readState(new DataInputStream(new ByteArrayInputStream(buf.toByteArray()))));
    byte[] truncated = Arrays.copyOf(buf.toByteArray(), buf.size() - 5);
    assertThrows(
        StateMismatchException.class,
        () -> resumed.readState(new DataInputStream(new ByteArrayInputStream(truncated))));
  }
}
