package polyak.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.spec.ActivationKind;

/** Batch-norm statistics, inverted dropout, maxout routing and activation stability. */
class LayerBehaviourTest {

  // ---- batch normalisation -------------------------------------------------------------------

  private static final String BN_NET =
      "input 3\ndense 3 init=zeros\nbatchnorm momentum=0.8 eps=0.001\nloss mse";

  /** W = I, b = 0 so the batch-norm layer sees the features; γ, β as given. */
  private static double[] identityDenseThenBn(Network net, double[] gamma, double[] beta) {
    double[] p = new double[net.parameterCount()];
    assertEquals(18, p.length);
    for (int j = 0; j < 3; j++) {
      p[j * 3 + j] = 1.0;
    }
    System.arraycopy(gamma, 0, p, 12, 3);
    System.arraycopy(beta, 0, p, 15, 3);
    return p;
  }

  @Test
  void batchNormInferenceUsesRunningStatistics() {
    Network net = TestNets.net(BN_NET);
    double[] gamma = {2.0, 0.5, 1.0};
    double[] beta = {0.1, -0.2, 0.3};
    double[] p = identityDenseThenBn(net, gamma, beta);
    double[] state = {1.0, -1.0, 0.5, 4.0, 0.25, 1.0};
    Dataset data = TestNets.regression(1, 5, 3, 3);
    double[] out = new double[15];
    net.predict(p, state, data, 0, 5, out);
    for (int r = 0; r < 5; r++) {
      for (int j = 0; j < 3; j++) {
        double x = data.features()[r * 3 + j];
        double expected = gamma[j] * (x - state[j]) / Math.sqrt(state[3 + j] + 0.001) + beta[j];
        assertEquals(expected, out[r * 3 + j], 1e-12, "row " + r + " unit " + j);
      }
    }
    // One row at inference gives the same answer as in a batch: no batch statistics are used.
    double[] single = new double[3];
    net.predict(p, state, data.slice(2, 1), 0, 1, single);
    assertArrayEquals(Arrays.copyOfRange(out, 6, 9), single, 1e-12);
  }

  @Test
  void batchNormTrainingUsesBatchStatistics() {
    Network net = TestNets.net(BN_NET);
    double[] p = identityDenseThenBn(net, new double[] {1, 1, 1}, new double[] {0, 0, 0});
    double[] state = {100, 100, 100, 100, 100, 100}; // must be ignored in training
    Dataset data = TestNets.regression(2, 7, 3, 3);
    BatchNormLayer bn = (BatchNormLayer) net.layers().get(1);
    net.gradient(p, state, data, null, 0, 7, 1, new double[18], null);
    // re-run the forward to read the output: normalised columns have mean 0 and (biased) var
    // v/(v+eps)
    Pass pass = TestNets.trainingPass(data, 1);
    DMatrixRMaj y = bn.forward(p, state, TestNets.inputMatrix(data), pass);
    for (int j = 0; j < 3; j++) {
      double mean = 0;
      double var = 0;
      double xm = 0;
      double xv = 0;
      for (int r = 0; r < 7; r++) {
        mean += y.get(r, j) / 7;
        xm += data.features()[r * 3 + j] / 7;
      }
      for (int r = 0; r < 7; r++) {
        var += Math.pow(y.get(r, j) - mean, 2) / 7;
        xv += Math.pow(data.features()[r * 3 + j] - xm, 2) / 7;
      }
      assertEquals(0, mean, 1e-12);
      assertEquals(xv / (xv + 0.001), var, 1e-12);
    }
  }

  @Test
  void runningStatisticsMoveWithMomentumAndUnbiasedVariance() {
    Network net = TestNets.net(BN_NET);
    double[] p = identityDenseThenBn(net, new double[] {1.5, 1, 1}, new double[] {0, 0.2, 0});
    Dataset data = TestNets.regression(3, 8, 3, 3);
    double[] stats = new double[net.stateSize()];
    net.gradient(p, new double[6], data, null, 0, 8, 5, new double[18], stats);

    // Partition sums add up: two halves collect the same Σx, Σx² as the whole batch.
    double[] halves = new double[net.stateSize()];
    net.gradient(p, new double[6], data, null, 0, 3, 5, new double[18], halves);
    net.gradient(p, new double[6], data, null, 3, 5, 5, new double[18], halves);
    assertArrayEquals(stats, halves, 1e-12);

    double[] state = {1.0, -1.0, 0.5, 4.0, 0.25, 1.0};
    double[] before = state.clone();
    net.updateRunningStatistics(state, stats, 8);
    for (int j = 0; j < 3; j++) {
      double mean = 0;
      for (int r = 0; r < 8; r++) {
        mean += data.features()[r * 3 + j] / 8;
      }
      double ss = 0;
      for (int r = 0; r < 8; r++) {
        ss += Math.pow(data.features()[r * 3 + j] - mean, 2);
      }
      double unbiased = ss / 7;
      assertEquals(0.8 * before[j] + 0.2 * mean, state[j], 1e-12, "running mean " + j);
      assertEquals(
          0.8 * before[3 + j] + 0.2 * unbiased, state[3 + j], 1e-12, "running variance " + j);
    }
  }

  @Test
  void initialRunningStatisticsAreZeroMeanUnitVariance() {
    Network net = TestNets.net(BN_NET);
    double[] state = new double[net.stateSize()];
    Arrays.fill(state, 7);
    net.initialise(1, new double[net.parameterCount()], state);
    assertArrayEquals(new double[] {0, 0, 0, 1, 1, 1}, state);
  }

  // ---- dropout -------------------------------------------------------------------------------

  private static DMatrixRMaj ones(int rows, int width) {
    DMatrixRMaj m = new DMatrixRMaj(rows, width);
    Arrays.fill(m.data, 1.0);
    return m;
  }

  private static long[] keys(int n, long first) {
    long[] k = new long[n];
    for (int i = 0; i < n; i++) {
      k[i] = first + i;
    }
    return k;
  }

  @Test
  void invertedDropoutKeepsTheExpectedActivation() {
    double p = 0.8;
    int rows = 4000;
    int width = 50;
    DropoutLayer d = new DropoutLayer(width, p, 2);
    DMatrixRMaj y =
        d.forward(null, null, ones(rows, width), TestNets.pass(true, 42, keys(rows, 0)));
    int n = rows * width;
    double sum = 0;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      double v = y.data[i];
      assertTrue(v == 0.0 || v == 1.0 / p, "output " + v + " is neither dropped nor scaled by 1/p");
      sum += v;
      kept += v != 0 ? 1 : 0;
    }
    // Each output is Bernoulli(p)/p: mean 1, variance (1 − p)/p; the mean of n has std √((1 − p)/(p
    // n)).
    double std = Math.sqrt((1 - p) / (p * n));
    assertEquals(1.0, sum / n, 5 * std, "mean output");
    assertEquals(p, (double) kept / n, 5 * Math.sqrt(p * (1 - p) / n), "kept fraction");
  }

  @Test
  void dropoutAtInferenceIsTheIdentity() {
    DropoutLayer d = new DropoutLayer(4, 0.5, 1);
    DMatrixRMaj x = new DMatrixRMaj(3, 4);
    x.data = TestNets.gaussian(new SplittableRandom(1), 12, 1);
    double[] before = x.data.clone();
    DMatrixRMaj y = d.forward(null, null, x, TestNets.pass(false, 42, 1, 2, 3));
    assertArrayEquals(before, Arrays.copyOf(y.data, 12));
    DMatrixRMaj g = new DMatrixRMaj(3, 4);
    g.data = TestNets.gaussian(new SplittableRandom(2), 12, 1);
    assertArrayEquals(g.data, Arrays.copyOf(d.backward(null, g, new double[0], true).data, 12));
  }

  @Test
  void keepProbabilityOneIsTheIdentityInTraining() {
    DropoutLayer d = new DropoutLayer(4, 1.0, 1);
    DMatrixRMaj x = ones(2, 4);
    assertSame(x, d.forward(null, null, x, TestNets.pass(true, 42, 1, 2)));
  }

  /** The mask of each row, read off a forward pass on ones. */
  private static double[][] masks(DropoutLayer d, long seed, long... keys) {
    int width = d.inputWidth();
    DMatrixRMaj y =
        d.forward(null, null, ones(keys.length, width), TestNets.pass(true, seed, keys));
    double[][] m = new double[keys.length][];
    for (int r = 0; r < keys.length; r++) {
      m[r] = Arrays.copyOfRange(y.data, r * width, (r + 1) * width);
    }
    return m;
  }

  @Test
  void dropoutMaskDependsOnSeedLayerAndRowKeyOnly() {
    DropoutLayer d = new DropoutLayer(40, 0.5, 3);
    double[][] a = masks(d, 42, 5, 6, 7, 8);
    double[][] again = masks(new DropoutLayer(40, 0.5, 3), 42, 5, 6, 7, 8);
    for (int r = 0; r < 4; r++) {
      assertArrayEquals(a[r], again[r], "same seed and key, same mask");
    }
    // Position in the batch does not matter, only the key: reversed order, and a batch of one.
    double[][] reversed = masks(d, 42, 8, 7, 6, 5);
    for (int r = 0; r < 4; r++) {
      assertArrayEquals(a[r], reversed[3 - r], "row key " + (5 + r) + " moved in the batch");
    }
    assertArrayEquals(a[2], masks(d, 42, 7)[0], "row key 7 alone");
    // A different seed, key or layer gives a different mask (40 units at p = 0.5: a clash is
    // 2^-40).
    double[][] otherSeed = masks(d, 43, 5, 6, 7, 8);
    for (int r = 0; r < 4; r++) {
      assertFalse(Arrays.equals(a[r], otherSeed[r]), "different seed, same mask for row " + r);
    }
    assertFalse(Arrays.equals(a[0], a[1]), "different keys, same mask");
    assertFalse(
        Arrays.equals(a[0], masks(new DropoutLayer(40, 0.5, 4), 42, 5)[0]),
        "different layer, same mask");
  }

  @Test
  void networkDropoutMaskFollowsTheExampleNotItsPosition() {
    Network net = TestNets.net("input 5\ndense 8\ndropout 0.6\ndense 2\nloss mse");
    double[] p = TestNets.params(net, 9);
    Dataset data = TestNets.regression(4, 6, 5, 2);
    double[] whole = new double[p.length];
    double lossWhole = net.gradient(p, new double[0], data, null, 0, 6, 17, whole, null).lossSum();

    // Shuffled row order through a row index.
    double[] shuffled = new double[p.length];
    double lossShuffled =
        net.gradient(p, new double[0], data, new int[] {4, 1, 5, 0, 3, 2}, 0, 6, 17, shuffled, null)
            .lossSum();
    assertEquals(lossWhole, lossShuffled, 1e-12);
    assertArrayEquals(whole, shuffled, 1e-12);

    // Split into partitions (slices keep their global ids).
    double[] parts = new double[p.length];
    double lossParts =
        net.gradient(p, new double[0], data.slice(0, 2), null, 0, 2, 17, parts, null).lossSum()
            + net.gradient(p, new double[0], data.slice(2, 4), null, 0, 4, 17, parts, null)
                .lossSum();
    assertEquals(lossWhole, lossParts, 1e-12);
    assertArrayEquals(whole, parts, 1e-12);

    // and a different pass seed draws different masks
    double lossOther =
        net.gradient(p, new double[0], data, null, 0, 6, 18, new double[p.length], null).lossSum();
    assertNotEquals(lossWhole, lossOther);
  }

  // ---- maxout --------------------------------------------------------------------------------

  @Test
  void maxoutPicksTheMaxPieceAndRoutesTheGradientToIt() {
    MaxoutLayer m = new MaxoutLayer(6, 3);
    assertEquals(2, m.outputWidth());
    DMatrixRMaj x =
        new DMatrixRMaj(
            2, 6, true, 1.0, 5.0, -2.0, /**/ -3.0, -1.0, -4.0, 7.0, 0.5, 6.9, /**/ -0.1, 0.2, 0.3);
    DMatrixRMaj y = m.forward(null, null, x, TestNets.pass(true, 0, 0, 1));
    assertArrayEquals(new double[] {5.0, -1.0, 7.0, 0.3}, Arrays.copyOf(y.data, 4));
    DMatrixRMaj g = new DMatrixRMaj(2, 2, true, 10, 20, 30, 40);
    DMatrixRMaj dx = m.backward(null, g, new double[0], true);
    assertArrayEquals(
        new double[] {0, 10, 0, 0, 20, 0, 30, 0, 0, 0, 0, 40}, Arrays.copyOf(dx.data, 12));
  }

  // ---- activations ---------------------------------------------------------------------------

  private static double[] activate(ActivationKind kind, double alpha, double... in) {
    ActivationLayer a = new ActivationLayer(in.length, kind, alpha);
    DMatrixRMaj x = new DMatrixRMaj(1, in.length, true, in);
    return Arrays.copyOf(a.forward(null, null, x, TestNets.pass(true, 0, 0)).data, in.length);
  }

  @Test
  void sigmoidIsStableForLargeInputs() {
    ActivationLayer a = new ActivationLayer(4, ActivationKind.SIGMOID, 0);
    DMatrixRMaj x = new DMatrixRMaj(1, 4, true, 1000, -1000, 0, -745.2);
    DMatrixRMaj y = a.forward(null, null, x, TestNets.pass(true, 0, 0));
    assertEquals(1.0, y.data[0]);
    assertEquals(0.0, y.data[1]);
    assertEquals(0.5, y.data[2]);
    assertTrue(Double.isFinite(y.data[3]) && y.data[3] >= 0);
    DMatrixRMaj dx = a.backward(null, new DMatrixRMaj(1, 4, true, 1, 1, 1, 1), new double[0], true);
    for (double v : Arrays.copyOf(dx.data, 4)) {
      assertTrue(Double.isFinite(v), "sigmoid gradient " + v);
    }
    assertEquals(0.0, dx.data[0]);
    assertEquals(0.0, dx.data[1]);
    assertEquals(0.25, dx.data[2]);
  }

  @Test
  void activationValues() {
    assertArrayEquals(
        new double[] {1.0, -1.0, 0.0}, activate(ActivationKind.TANH, 0, 1000, -1000, 0));
    assertArrayEquals(new double[] {2.0, 0.0, 0.0}, activate(ActivationKind.RELU, 0, 2, -3, 0));
    assertArrayEquals(
        new double[] {2.0, -0.3}, activate(ActivationKind.LEAKY_RELU, 0.1, 2, -3), 1e-15);
    assertArrayEquals(
        new double[] {2.0, 0.5 * Math.expm1(-3), -0.5},
        activate(ActivationKind.ELU, 0.5, 2, -3, -1000),
        1e-15);
    assertArrayEquals(new double[] {2.0, -3.0}, activate(ActivationKind.IDENTITY, 0, 2, -3));
  }
}
