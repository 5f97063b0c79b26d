package polyak.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.optim.OptimizerConfigException;
import polyak.spec.SpecParser;

/** FGSM examples and the finite-difference gradient penalty of {@link AdversarialGradient}. */
class AdversarialGradientTest {
  private static final long PASS = 17L;

  private static Network net(String text) {
    return Network.build(SpecParser.network("test", text));
  }

  private static double[] gaussian(SplittableRandom rng, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * (rng.nextDouble() + rng.nextDouble() + rng.nextDouble() - 1.5) * 2;
    }
    return v;
  }

  private static Dataset classification(long seed, int rows, int width, int classes) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = rng.nextInt(classes);
    }
    return Dataset.classification(
        "c", width, gaussian(rng, rows * width, 1.0), labels, classes, 500);
  }

  private static double[] params(Network net, long seed) {
    double[] p = new double[net.parameterCount()];
    net.initialise(seed, p, new double[net.stateSize()]);
    return p;
  }

  @Test
  void inactiveIsThePlainGradient() {
    Network net = net("input 5\ndense 6\nbatchnorm\nrelu\ndropout 0.8\ndense 3\nloss softmax_ce");
    Dataset data = classification(1, 10, 5, 3);
    double[] p = params(net, 2);
    double[] a = new double[p.length];
    double[] b = new double[p.length];
    double[] sa = new double[net.stateSize()];
    double[] sb = new double[net.stateSize()];
    BatchResult ra = net.gradient(p, sb.clone(), data, null, 0, 10, PASS, a, sa);
    BatchResult rb =
        new AdversarialGradient(net, AdversarialSpec.NONE)
            .gradient(p, sb.clone(), data, null, 0, 10, PASS, b, sb);
    assertEquals(ra, rb);
    assertArrayEquals(a, b, 0.0);
    assertArrayEquals(sa, sb, 0.0);
  }

  /** Fraction 1: the gradient is that of the batch x + ε·sign(∇ₓL), formed independently here. */
  @Test
  void fgsmOnEveryExampleTrainsOnTheSignedGradientStep() {
    Network net = net("input 5\ndense 6\nbatchnorm\nrelu\ndropout 0.8\ndense 3\nloss softmax_ce");
    Dataset data = classification(3, 12, 5, 3);
    double[] p = params(net, 4);
    double[] state = new double[net.stateSize()];
    int[] rows = {11, 3, 7, 0, 5, 9};
    double eps = 0.1;
    double[] dx = new double[rows.length * 5];
    net.gradient(p, state, data, rows, 0, rows.length, PASS, new double[p.length], null, null, dx);
    double[] moved = data.features().clone();
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < 5; j++) {
        moved[rows[i] * 5 + j] += eps * Math.signum(dx[i * 5 + j]);
      }
    }
    double[] expected = new double[p.length];
    double[] expectedStats = new double[net.stateSize()];
    BatchResult re =
        net.gradient(
            p,
            state,
            data.withFeatures(moved),
            rows,
            0,
            rows.length,
            PASS,
            expected,
            expectedStats);

    double[] actual = new double[p.length];
    double[] actualStats = new double[net.stateSize()];
    BatchResult ra =
        new AdversarialGradient(net, new AdversarialSpec(eps, 1.0, 0, 0.01))
            .gradient(p, state, data, rows, 0, rows.length, PASS, actual, actualStats);
    assertEquals(re, ra);
    assertArrayEquals(expected, actual, 0.0);
    assertArrayEquals(expectedStats, actualStats, 0.0);
    double[] plain = new double[p.length];
    net.gradient(p, state, data, rows, 0, rows.length, PASS, plain, null);
    assertTrue(java.util.Arrays.compare(plain, actual) != 0, "FGSM changed nothing");
  }

  /**
   * Which examples are attacked depends on (pass seed, example id) only, at the configured rate.
   */
  @Test
  void attackedExamplesFollowTheFraction() {
    int hits = 0;
    for (long key = 0; key < 20_000; key++) {
      if (AdversarialGradient.attacked(PASS, key, 0.3)) {
        hits++;
      }
    }
    assertEquals(0.3, hits / 20_000.0, 0.015);
    assertTrue(AdversarialGradient.attacked(PASS, 5, 1.0));
    assertTrue(!AdversarialGradient.attacked(PASS, 5, 0.0));
  }

  /**
   * The penalised objective Σ L + λ‖∂L/∂x‖² (the returned loss sum) differentiated by centered
   * differences in θ agrees with the finite-difference-along-∇ₓL gradient to O(h): relative error
   * below 1e-5 at h = 1e-5 (measured 6.5e-8); the penalty's share of the gradient is far larger
   * than that.
   */
  @Test
  void penaltyGradientIsTheGradientOfThePenalisedLoss() {
    Network net = net("input 4\ndense 6\ntanh\ndense 5\nsigmoid\ndense 3\nloss softmax_ce");
    Dataset data = classification(5, 7, 4, 3);
    double[] p = params(net, 6);
    double[] state = new double[0];
    AdversarialSpec spec = new AdversarialSpec(0, 0.5, 2.0, 1e-5);
    AdversarialGradient ag = new AdversarialGradient(net, spec);
    double[] analytic = new double[p.length];
    ag.gradient(p, state, data, null, 0, 7, PASS, analytic, null);
    double[] plain = new double[p.length];
    net.gradient(p, state, data, null, 0, 7, PASS, plain, null);
    double[] scratch = new double[p.length];
    double worst = 0;
    double penaltyNorm = 0;
    double norm = 0;
    double step = 1e-5;
    for (int i = 0; i < p.length; i++) {
      double saved = p[i];
      p[i] = saved + step;
      double plus = ag.gradient(p, state, data, null, 0, 7, PASS, scratch, null).lossSum();
      p[i] = saved - step;
      double minus = ag.gradient(p, state, data, null, 0, 7, PASS, scratch, null).lossSum();
      p[i] = saved;
      double numeric = (plus - minus) / (2 * step);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]));
      norm = Math.max(norm, Math.abs(numeric));
      penaltyNorm = Math.max(penaltyNorm, Math.abs(analytic[i] - plain[i]));
    }
    double rel = worst / norm;
    double share = penaltyNorm / norm;
    System.out.printf(
        "gradient penalty: finite-difference gradient rel. error %.2e, penalty share %.3f%n",
        rel, share);
    assertTrue(rel < 1e-5, "max error " + worst + " relative to max |gradient| " + norm);
    assertTrue(share > 1e-2, "penalty share of the gradient only " + share);
  }

  @Test
  void invalidValuesNameTheKey() {
    assertTrue(
        assertThrows(OptimizerConfigException.class, () -> new AdversarialSpec(-0.1, 0.5, 0, 0.01))
            .getMessage()
            .startsWith("adversarial.fgsm_epsilon"));
    assertTrue(
        assertThrows(OptimizerConfigException.class, () -> new AdversarialSpec(0.1, 1.5, 0, 0.01))
            .getMessage()
            .startsWith("adversarial.fgsm_fraction"));
    assertTrue(
        assertThrows(OptimizerConfigException.class, () -> new AdversarialSpec(0.1, 0.5, -1, 0.01))
            .getMessage()
            .startsWith("adversarial.gradient_penalty"));
    assertTrue(
        assertThrows(OptimizerConfigException.class, () -> new AdversarialSpec(0.1, 0.5, 1, 0))
            .getMessage()
            .startsWith("adversarial.penalty_step"));
  }
}
