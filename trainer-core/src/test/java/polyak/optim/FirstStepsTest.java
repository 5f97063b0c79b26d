package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * First three steps of each optimizer checked against arithmetic written out here. Element-wise
 * optimizers run on the course example f(x) = x² (g = 2x), x₀ = 5, ε = 0.1. Layout-aware ones run
 * on f = ½(1·w₀² + 4·w₁² + 2·b²) with w = (3, 4) a WEIGHT segment (‖w‖ = 5) and b = 1 a BIAS
 * segment.
 */
class FirstStepsTest {
  private static final double TOL = 1e-12;

  private static double[] runScalar(Optimizer optimizer) {
    double[] x = {5.0};
    double[] out = new double[3];
    for (int t = 1; t <= 3; t++) {
      optimizer.step(x, new double[] {2 * x[0]}, t, 0.1);
      out[t - 1] = x[0];
    }
    return out;
  }

  private static double[][] runLayout(Optimizer optimizer, double rate) {
    double[] theta = {3, 4, 1};
    double[][] out = new double[3][];
    for (int t = 1; t <= 3; t++) {
      double[] g = {1 * theta[0], 4 * theta[1], 2 * theta[2]};
      optimizer.step(theta, g, t, rate);
      out[t - 1] = theta.clone();
    }
    return out;
  }

  private static void assertSteps(double[] expected, double[] actual) {
    for (int i = 0; i < 3; i++) {
      assertEquals(expected[i], actual[i], TOL, "step " + (i + 1));
    }
  }

  @Test
  void nesterov() {
    // v ← 0.9v − 0.1g; x ← x + 0.9v − 0.1g
    // t=1: g=10,   v=−1,                     x = 5 − 0.9 − 1 = 3.1
    // t=2: g=6.2,  v=−0.9 − 0.62 = −1.52,    x = 3.1 − 1.368 − 0.62 = 1.112
    // t=3: g=2.224 v=−1.368 − 0.2224=−1.5904 x = 1.112 − 1.43136 − 0.2224 = −0.54176
    assertSteps(
        new double[] {3.1, 1.112, -0.54176},
        runScalar(new NesterovMomentum(1, new ConstantSchedule(0.9))));
  }

  @Test
  void adaGrad() {
    double d = 1e-7;
    double r1 = 10.0 * 10.0;
    double x1 = 5 - 0.1 * 10 / (Math.sqrt(r1) + d);
    double r2 = r1 + (2 * x1) * (2 * x1);
    double x2 = x1 - 0.1 * (2 * x1) / (Math.sqrt(r2) + d);
    double r3 = r2 + (2 * x2) * (2 * x2);
    double x3 = x2 - 0.1 * (2 * x2) / (Math.sqrt(r3) + d);
    assertEquals(4.9, x1, 1e-7);
    assertEquals(4.9 - 0.98 / Math.sqrt(196.04), x2, 1e-7);
    assertSteps(new double[] {x1, x2, x3}, runScalar(new AdaGrad(1, d)));
  }

  @Test
  void rmsProp() {
    double d = 1e-8;
    double r1 = 0.1 * 100; // 0.9·0 + 0.1·10²
    double x1 = 5 - 0.1 * 10 / (Math.sqrt(r1) + d); // 5 − 1/√10
    double g1 = 2 * x1;
    double r2 = 0.9 * r1 + 0.1 * g1 * g1;
    double x2 = x1 - 0.1 * g1 / (Math.sqrt(r2) + d);
    double g2 = 2 * x2;
    double r3 = 0.9 * r2 + 0.1 * g2 * g2;
    double x3 = x2 - 0.1 * g2 / (Math.sqrt(r3) + d);
    assertEquals(5 - 1 / Math.sqrt(10), x1, 1e-7);
    assertSteps(new double[] {x1, x2, x3}, runScalar(new RmsProp(1, 0.9, d)));
  }

  @Test
  void rmsPropWithMomentum() {
    double d = 1e-8;
    double r1 = 0.1 * 100;
    double v1 = -0.1 * 10 / (Math.sqrt(r1) + d);
    double x1 = 5 + v1;
    double g1 = 2 * x1;
    double r2 = 0.9 * r1 + 0.1 * g1 * g1;
    double v2 = 0.5 * v1 - 0.1 * g1 / (Math.sqrt(r2) + d);
    double x2 = x1 + v2;
    double g2 = 2 * x2;
    double r3 = 0.9 * r2 + 0.1 * g2 * g2;
    double v3 = 0.5 * v2 - 0.1 * g2 / (Math.sqrt(r3) + d);
    double x3 = x2 + v3;
    assertSteps(
        new double[] {x1, x2, x3},
        runScalar(new RmsPropMomentum(1, 0.9, d, new ConstantSchedule(0.5))));
  }

  @Test
  void adamWithBiasCorrection() {
    double d = 1e-8;
    // t=1: m = 0.1·10 = 1, s = 0.001·100 = 0.1, m̂ = 1/(1 − 0.9) = 10, ŝ = 0.1/(1 − 0.999) = 100
    double x1 = 5 - 0.1 * 10 / (Math.sqrt(100) + d);
    double g1 = 2 * x1;
    double m2 = 0.9 * 1 + 0.1 * g1;
    double s2 = 0.999 * 0.1 + 0.001 * g1 * g1;
    double x2 = x1 - 0.1 * (m2 / (1 - 0.9 * 0.9)) / (Math.sqrt(s2 / (1 - 0.999 * 0.999)) + d);
    double g2 = 2 * x2;
    double m3 = 0.9 * m2 + 0.1 * g2;
    double s3 = 0.999 * s2 + 0.001 * g2 * g2;
    double x3 =
        x2 - 0.1 * (m3 / (1 - 0.9 * 0.9 * 0.9)) / (Math.sqrt(s3 / (1 - 0.999 * 0.999 * 0.999)) + d);
    assertEquals(4.9, x1, 1e-8); // the first bias-corrected step has length ε
    assertSteps(new double[] {x1, x2, x3}, runScalar(new Adam(1, 0.9, 0.999, d, true)));
  }

  @Test
  void adamWithoutBiasCorrection() {
    double d = 1e-8;
    double x1 = 5 - 0.1 * 1 / (Math.sqrt(0.1) + d); // m = 1, s = 0.1, uncorrected
    double g1 = 2 * x1;
    double m2 = 0.9 * 1 + 0.1 * g1;
    double s2 = 0.999 * 0.1 + 0.001 * g1 * g1;
    double x2 = x1 - 0.1 * m2 / (Math.sqrt(s2) + d);
    double g2 = 2 * x2;
    double m3 = 0.9 * m2 + 0.1 * g2;
    double s3 = 0.999 * s2 + 0.001 * g2 * g2;
    double x3 = x2 - 0.1 * m3 / (Math.sqrt(s3) + d);
    assertEquals(5 - 0.316227766, x1, 1e-8);
    assertSteps(new double[] {x1, x2, x3}, runScalar(new Adam(1, 0.9, 0.999, d, false)));
  }

  @Test
  void adamWDecaysWeightsButNotBiases() {
    double d = 1e-8;
    double lambda = 0.1;
    double[] theta = {3, 4, 1};
    double[] curv = {1, 4, 2};
    double[] m = new double[3];
    double[] s = new double[3];
    double[][] expected = new double[3][3];
    for (int t = 1; t <= 3; t++) {
      double c1 = 1 - Math.pow(0.9, t);
      double c2 = 1 - Math.pow(0.999, t);
      for (int i = 0; i < 3; i++) {
        double g = curv[i] * theta[i];
        m[i] = 0.9 * m[i] + 0.1 * g;
        s[i] = 0.999 * s[i] + 0.001 * g * g;
        double decay = i < 2 ? lambda : 0; // index 2 is the bias
        theta[i] = theta[i] - 0.1 * ((m[i] / c1) / (Math.sqrt(s[i] / c2) + d) + decay * theta[i]);
      }
      expected[t - 1] = theta.clone();
    }
    // First step by hand: each Adam direction is ≈ 1, so w = (3 − 0.1·1.3, 4 − 0.1·1.4), b = 1 −
    // 0.1.
    assertEquals(2.87, expected[0][0], 1e-8);
    assertEquals(3.86, expected[0][1], 1e-8);
    assertEquals(0.9, expected[0][2], 1e-8);
    double[][] actual =
        runLayout(new AdamW(TestLayouts.weightsAndBias(), 0.9, 0.999, d, lambda), 0.1);
    for (int t = 0; t < 3; t++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[t][i], actual[t][i], TOL, "step " + (t + 1) + " index " + i);
      }
    }
  }

  @Test
  void larsScalesWeightStepsByTrustRatio() {
    double lambda = 0.1;
    double mu = 0.9;
    double eps = 0.1;
    // t=1: u = g + λw = (3 + 0.3, 16 + 0.4); trust = 1·‖w‖/‖u‖ = 5/‖u‖; the bias takes plain
    // momentum.
    double u0 = 3.3;
    double u1 = 16.4;
    double rate = eps * 5 / Math.sqrt(u0 * u0 + u1 * u1);
    double v0 = -rate * u0;
    double v1 = -rate * u1;
    double vb = -eps * 2;
    double w0 = 3 + v0;
    double w1 = 4 + v1;
    double b = 1 + vb; // 0.8
    double[][] expected = new double[3][];
    expected[0] = new double[] {w0, w1, b};
    assertEquals(eps * 5, Math.hypot(v0, v1), 1e-12); // the weight step has length ε·η·‖w‖
    for (int t = 2; t <= 3; t++) {
      u0 = w0 + lambda * w0;
      u1 = 4 * w1 + lambda * w1;
      rate = eps * Math.hypot(w0, w1) / Math.hypot(u0, u1);
      v0 = mu * v0 - rate * u0;
      v1 = mu * v1 - rate * u1;
      vb = mu * vb - eps * 2 * b;
      w0 += v0;
      w1 += v1;
      b += vb;
      expected[t - 1] = new double[] {w0, w1, b};
    }
    double[][] actual =
        runLayout(
            new Lars(TestLayouts.weightsAndBias(), new ConstantSchedule(mu), 1.0, lambda), eps);
    for (int t = 0; t < 3; t++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[t][i], actual[t][i], TOL, "step " + (t + 1) + " index " + i);
      }
    }
  }

  @Test
  void lambScalesAdamDirectionByTrustRatio() {
    double d = 1e-6;
    double lambda = 0.01;
    double eps = 0.1;
    double[] theta = {3, 4, 1};
    double[] curv = {1, 4, 2};
    double[] m = new double[3];
    double[] s = new double[3];
    double[] r = new double[3];
    double[][] expected = new double[3][];
    for (int t = 1; t <= 3; t++) {
      double c1 = 1 - Math.pow(0.9, t);
      double c2 = 1 - Math.pow(0.999, t);
      for (int i = 0; i < 3; i++) {
        double g = curv[i] * theta[i];
        m[i] = 0.9 * m[i] + 0.1 * g;
        s[i] = 0.999 * s[i] + 0.001 * g * g;
        r[i] = (m[i] / c1) / (Math.sqrt(s[i] / c2) + d);
      }
      double u0 = r[0] + lambda * theta[0];
      double u1 = r[1] + lambda * theta[1];
      double trust = Math.hypot(theta[0], theta[1]) / Math.hypot(u0, u1);
      theta[0] -= eps * trust * u0;
      theta[1] -= eps * trust * u1;
      theta[2] -= eps * r[2];
      expected[t - 1] = theta.clone();
    }
    // First step by hand: r ≈ (1, 1, 1), u ≈ (1.03, 1.04), so the weight step has length 0.1·‖w‖ =
    // 0.5.
    double firstTrust = 5 / Math.hypot(1.03, 1.04);
    assertEquals(3 - 0.1 * firstTrust * 1.03, expected[0][0], 1e-6);
    assertEquals(4 - 0.1 * firstTrust * 1.04, expected[0][1], 1e-6);
    assertEquals(0.9, expected[0][2], 1e-6);
    double[][] actual =
        runLayout(new Lamb(TestLayouts.weightsAndBias(), 0.9, 0.999, d, lambda), eps);
    for (int t = 0; t < 3; t++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[t][i], actual[t][i], TOL, "step " + (t + 1) + " index " + i);
      }
    }
  }
}
