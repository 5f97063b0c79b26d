package polyak.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.nn.Network;
import polyak.spec.SpecParser;

/**
 * PCA: an orthogonal change of basis at full rank, unit covariance when whitened, stored in a model
 * file.
 */
class PcaTest {
  private static final int W = 6;

  /** Correlated features with different means and scales: x = A·g + offset, g Gaussian. */
  static Dataset correlated(long seed, int rows, int classes) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] a = new double[W][W];
    SplittableRandom fixed = new SplittableRandom(99);
    for (int i = 0; i < W; i++) {
      for (int j = 0; j < W; j++) {
        a[i][j] = fixed.nextDouble() * (i + 1) - 0.5;
      }
    }
    double[] x = new double[rows * W];
    int[] y = new int[rows];
    for (int r = 0; r < rows; r++) {
      double[] g = new double[W];
      for (int j = 0; j < W; j++) {
        g[j] = rng.nextGaussian();
      }
      for (int i = 0; i < W; i++) {
        double v = 3.0 * i - 4;
        for (int j = 0; j < W; j++) {
          v += a[i][j] * g[j];
        }
        x[r * W + i] = v;
      }
      y[r] = rng.nextInt(classes);
    }
    return Dataset.classification("correlated", W, x, y, classes, 0);
  }

  /**
   * A linear model y = xW + b equals the model with W' = V·W, b' = b + μ·W on z = (x − μ)·Vᵀ when V
   * is all W components: predictions (class probabilities) agree to 1e-12 (measured max 1.1e-15).
   */
  @Test
  void fullRankPcaLeavesALinearModelsPredictionsUnchanged() throws Exception {
    Dataset data = correlated(1, 300, 3);
    Pca pca = Pca.fit(new Dataset[] {data.slice(0, 100), data.slice(100, 200)}, W, false);
    Network net = Network.build(SpecParser.network("linear", "input 6\ndense 3\nloss softmax_ce"));
    double[] params = new double[net.parameterCount()];
    net.initialise(5, params, new double[0]);
    SplittableRandom rng = new SplittableRandom(6);
    for (int i = W * 3; i < params.length; i++) {
      params[i] = rng.nextDouble() - 0.5; // non-zero biases
    }
    double[] v = pca.componentRows();
    double[] mu = pca.mean();
    double[] rotated = new double[params.length];
    for (int k = 0; k < W; k++) {
      for (int o = 0; o < 3; o++) {
        double s = 0;
        for (int j = 0; j < W; j++) {
          s += v[k * W + j] * params[j * 3 + o];
        }
        rotated[k * 3 + o] = s;
      }
    }
    for (int o = 0; o < 3; o++) {
      double s = params[W * 3 + o];
      for (int j = 0; j < W; j++) {
        s += mu[j] * params[j * 3 + o];
      }
      rotated[W * 3 + o] = s;
    }
    // through a model file, as predict would load it
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    ModelFile.write(new SavedModel(net.spec(), rotated, new double[0], pca, Map.of()), file);
    SavedModel loaded = ModelFile.read(new ByteArrayInputStream(file.toByteArray()), "pca model");
    Dataset projected = loaded.preprocessor().orElseThrow().apply(data);
    assertEquals(W, projected.width());

    double[] expected = new double[300 * 3];
    double[] actual = new double[300 * 3];
    net.predict(params, new double[0], data, 0, 300, expected);
    net.predict(loaded.params(), new double[0], projected, 0, 300, actual);
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    System.out.printf("full-rank PCA, linear model: max |p - p_pca| = %.3e%n", worst);
    assertArrayEquals(expected, actual, 1e-12);
  }

  @Test
  void whitenedComponentsHaveUnitVarianceAndAreUncorrelated() {
    Dataset data = correlated(2, 500, 2);
    Pca pca = Pca.fit(new Dataset[] {data}, 4, true);
    Dataset z = pca.apply(data);
    assertEquals(4, z.width());
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        double s = 0;
        double ma = 0;
        double mb = 0;
        for (int r = 0; r < 500; r++) {
          ma += z.features()[r * 4 + a] / 500;
          mb += z.features()[r * 4 + b] / 500;
        }
        for (int r = 0; r < 500; r++) {
          s += (z.features()[r * 4 + a] - ma) * (z.features()[r * 4 + b] - mb) / 500;
        }
        assertEquals(a == b ? 1.0 : 0.0, s, 1e-4, "covariance of components " + a + ", " + b);
        if (a == b) {
          assertEquals(0.0, ma, 1e-9, "zero-centred");
        }
      }
    }
  }

  @Test
  void componentsAreOrthonormalAndOrderedByVariance() {
    Dataset data = correlated(3, 400, 2);
    Pca pca = Pca.fit(new Dataset[] {data}, W, false);
    double[] v = pca.componentRows();
    for (int a = 0; a < W; a++) {
      for (int b = 0; b < W; b++) {
        double dot = 0;
        for (int j = 0; j < W; j++) {
          dot += v[a * W + j] * v[b * W + j];
        }
        assertEquals(a == b ? 1.0 : 0.0, dot, 1e-12);
      }
    }
    Dataset z = pca.apply(data);
    double previous = Double.POSITIVE_INFINITY;
    for (int k = 0; k < W; k++) {
      double var = 0;
      for (int r = 0; r < 400; r++) {
        var += z.features()[r * W + k] * z.features()[r * W + k];
      }
      assertTrue(
          var <= previous * (1 + 1e-12),
          "component " + k + " has more variance than the one before");
      previous = var;
    }
  }

  @Test
  void chainAndPcaRoundTripThroughBytesAndBadCountsAreRejected() throws Exception {
    Dataset data = correlated(4, 50, 2);
    Pca pca = Pca.fit(new Dataset[] {data}, 3, true);
    Preprocessor chain = PreprocessorChain.of(MinMaxScaler.fit(data), pca);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    chain.write(new java.io.DataOutputStream(out));
    Preprocessor back =
        Preprocessor.read(
            new java.io.DataInputStream(new ByteArrayInputStream(out.toByteArray())), "bytes");
    assertEquals(3, back.outputWidth(W));
    assertArrayEquals(chain.apply(data).features(), back.apply(data).features(), 0.0);
    assertTrue(
        assertThrows(DataException.class, () -> Pca.fit(new Dataset[] {data}, 7, false))
            .getMessage()
            .contains("components must be in [1, 6]"));
  }
}
