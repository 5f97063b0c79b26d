package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The course's worked example: f(x) = x², f'(x) = 2x, x₀ = 5, ε = 0.1. */
class WorkedExampleTest {
  private static double[] run(Optimizer optimizer, int steps) {
    double[] x = {5.0};
    double[] g = new double[1];
    double[] trajectory = new double[steps];
    for (int t = 1; t <= steps; t++) {
      g[0] = 2 * x[0];
      optimizer.step(x, g, t, 0.1);
      trajectory[t - 1] = x[0];
    }
    return trajectory;
  }

  @Test
  void sgdFollowsTheWorkedExample() {
    double[] expected = {4.0, 3.2, 2.56, 2.048, 1.6384};
    double[] actual = run(new Sgd(1), 5);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12, "step " + (i + 1));
    }
  }

  @Test
  void momentumFollowsTheWorkedExample() {
    double[] expected = {4.0, 2.3, 0.31, -1.543, -2.9021};
    double[] actual = run(new Momentum(1, new ConstantSchedule(0.9)), 5);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12, "step " + (i + 1));
    }
  }
}
