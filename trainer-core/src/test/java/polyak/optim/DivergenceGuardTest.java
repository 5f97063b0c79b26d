package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DivergenceGuardTest {
  private final DivergenceGuard guard = new DivergenceGuard(TestLayouts.network());

  @Test
  void namesTheFirstNonFiniteSegment() {
    double[] g = new double[19];
    g[16] = Double.NaN; // dense2.weight, its index 1
    g[18] = Double.POSITIVE_INFINITY;
    DivergenceException e = assertThrows(DivergenceException.class, () -> guard.check(17, 0.3, g));
    assertEquals(
        "iteration 17: gradient is not finite, first at layer 2 WEIGHT (segment 'dense2.weight') index 1"
            + " (flat index 16) = NaN",
        e.getMessage());
    assertEquals(17, e.iteration());
  }

  @Test
  void reportsLossFirstAndPassesFiniteValues() {
    double[] g = new double[19];
    assertEquals(Optional.empty(), guard.findProblem(3, 1.5, g));
    assertEquals(
        Optional.of("iteration 3: loss is not finite (Infinity)"),
        guard.findProblem(3, Double.POSITIVE_INFINITY, g));
    g[10] = Double.NEGATIVE_INFINITY;
    assertTrue(
        guard
            .findProblem(4, 1.0, g)
            .orElseThrow()
            .contains("layer 1 NORM_SCALE (segment 'norm1.gamma') index 1"));
    // a non-finite loss with a non-finite gradient names the gradient's first bad segment as well
    assertEquals(
        Optional.of(
            "iteration 5: loss is not finite (NaN); gradient is not finite, first at layer 1"
                + " NORM_SCALE (segment 'norm1.gamma') index 1 (flat index 10) = -Infinity"),
        guard.findProblem(5, Double.NaN, g));
  }

  @Test
  void keepsTheLastGoodParameters() {
    double[] theta = new double[19];
    theta[0] = 1.5;
    guard.rememberGood(9, theta);
    theta[0] = Double.NaN;
    assertTrue(guard.findNonFinite(10, "parameters", theta).isPresent());
    guard.restoreLastGood(theta);
    assertEquals(1.5, theta[0]);
    assertEquals(9, guard.lastGoodIteration());
    double[] expected = new double[19];
    expected[0] = 1.5;
    assertArrayEquals(expected, theta);
  }
}
