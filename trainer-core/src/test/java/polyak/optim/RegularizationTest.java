package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import polyak.nn.ParameterKind;
import polyak.nn.ParameterLayout;

class RegularizationTest {
  private static final ParameterLayout LAYOUT = TestLayouts.network();

  private static double[] ramp() {
    double[] theta = new double[LAYOUT.size()];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = (i % 2 == 0 ? 1 : -1) * (i + 1) * 0.1;
    }
    return theta;
  }

  private static boolean isWeight(int i) {
    return LAYOUT.segmentAt(i).kind() == ParameterKind.WEIGHT;
  }

  @Test
  void l2DecaySkipsBiasesAndNormalisationByDefault() {
    double[] theta = ramp();
    double[] g = new double[theta.length];
    Arrays.fill(g, 1.0);
    double penalty = WeightPenalty.l2(LAYOUT, 0.5).addTo(theta, g);
    double expectedPenalty = 0;
    for (int i = 0; i < theta.length; i++) {
      if (isWeight(i)) {
        assertEquals(1.0 + 0.5 * theta[i], g[i], 1e-15, "weight index " + i);
        expectedPenalty += 0.25 * theta[i] * theta[i];
      } else {
        assertEquals(1.0, g[i], "non-weight index " + i + " (" + LAYOUT.segmentAt(i).name() + ")");
      }
    }
    assertEquals(expectedPenalty, penalty, 1e-14);
  }

  @Test
  void l1AndElasticNet() {
    double[] theta = ramp();
    theta[2] = 0; // sign(0) = 0
    double[] l1 = new double[theta.length];
    WeightPenalty.l1(LAYOUT, 0.1).addTo(theta, l1);
    double[] both = new double[theta.length];
    WeightPenalty.elasticNet(LAYOUT, 0.1, 0.01).addTo(theta, both);
    for (int i = 0; i < theta.length; i++) {
      double sign = Math.signum(theta[i]);
      assertEquals(isWeight(i) ? 0.1 * sign : 0.0, l1[i], 1e-15);
      assertEquals(isWeight(i) ? 0.1 * sign + 0.01 * theta[i] : 0.0, both[i], 1e-15);
    }
    assertEquals(0.0, l1[2]);
  }

  @Test
  void penaltyKindsCanBeChosen() {
    double[] theta = ramp();
    double[] g = new double[theta.length];
    new WeightPenalty(LAYOUT, 0, 1.0, EnumSet.allOf(ParameterKind.class)).addTo(theta, g);
    assertArrayEquals(theta, g);
  }

  @Test
  void maxNormRescalesOnlyTooLongColumns() {
    double[] theta = new double[LAYOUT.size()];
    // dense1.weight is 2 × 3 row-major: column j = (θ[j], θ[3 + j]).
    theta[0] = 3;
    theta[3] = 4; // column 0: norm 5
    theta[1] = 0.6;
    theta[4] = 0.8; // column 1: norm 1
    theta[2] = -2; // column 2: norm 2
    // dense2.weight (3 × 1) at 15–17: one column of norm 3.
    theta[15] = 1;
    theta[16] = 2;
    theta[17] = -2;
    theta[6] = 10; // a bias: never projected
    theta[9] = 10; // a norm scale: never projected
    int scaled = new MaxNormConstraint(LAYOUT, 2.0).apply(theta);
    assertEquals(2, scaled);
    assertEquals(1.2, theta[0], 1e-15);
    assertEquals(1.6, theta[3], 1e-15);
    assertEquals(0.6, theta[1]);
    assertEquals(0.8, theta[4]);
    assertEquals(-2, theta[2]);
    assertEquals(2.0 / 3, theta[15], 1e-15);
    assertEquals(4.0 / 3, theta[16], 1e-15);
    assertEquals(-4.0 / 3, theta[17], 1e-15);
    assertEquals(10, theta[6]);
    assertEquals(10, theta[9]);
  }

  @Test
  void clipByGlobalNorm() {
    double[] g = {3, 4, 0};
    assertEquals(5, GradientClipping.clipByGlobalNorm(g, 1.0), 1e-15);
    assertArrayEquals(new double[] {0.6, 0.8, 0}, g, 1e-15);
    double[] small = {0.3, 0.4};
    assertEquals(0.5, GradientClipping.clipByGlobalNorm(small, 1.0), 1e-15);
    assertArrayEquals(new double[] {0.3, 0.4}, small);
  }

  @Test
  void clipByValue() {
    double[] g = {3, -4, 0.5};
    assertEquals(Math.sqrt(25.25), GradientClipping.clipByValue(g, 1.0), 1e-15);
    assertArrayEquals(new double[] {1, -1, 0.5}, g);
  }

  @Test
  void nonFiniteNormIsReportedNotHidden() {
    double[] g = {Double.NaN, 1};
    assertEquals(Double.NaN, GradientClipping.clipByGlobalNorm(g, 1.0));
    assertEquals(1.0, g[1]);
  }
}
