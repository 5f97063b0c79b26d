package polyak.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.data.PixelScaling;
import polyak.data.SparseRows;
import polyak.nn.kernel.DenseKernels;
import polyak.spec.SpecParser;

/**
 * A network fed sparse rows computes the same loss and gradient as fed the same rows densified.
 *
 * <p>Against the EJML kernel the products sum in the same order (y over k ascending, dW over rows
 * ascending, each dW term added straight into a gradient that starts at zero), so the results are
 * equal bit for bit, up to the sign of an exact zero. Against a BLAS kernel, which blocks and
 * vectorises its sums, they differ by round-off: relative 1e-12 here, a few hundred ulps of a sum
 * of some 60 products — far below any difference a wrong index or a dropped term would make (≥
 * 1e-3).
 */
class SparseInputGradientTest {
  static final int ROWS = 90;
  static final int WIDTH = 2000;
  static final String SPEC =
      "input "
          + WIDTH
          + "\ndense 16\nrelu\ndropout 0.8\ndense 8\nbatchnorm\ntanh\ndense 3\nloss softmax_ce";

  /** About 1.5 % non-zeros per row, labels from the seed. */
  static Dataset sparseData(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] dense = new double[ROWS * WIDTH];
    for (int i = 0; i < dense.length; i++) {
      if (rng.nextDouble() < 0.015) {
        dense[i] = rng.nextGaussian();
      }
    }
    int[] labels = new int[ROWS];
    for (int r = 0; r < ROWS; r++) {
      labels[r] = rng.nextInt(3);
    }
    return Dataset.classification(
        "sparse", SparseRows.of("sparse", dense, ROWS, WIDTH), labels, 3, 500);
  }

  record Result(BatchResult batch, double[] grad, double[] stats) {}

  static Result gradient(Network net, double[] params, Dataset data) {
    int[] order = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      order[i] = (i * 37) % ROWS; // a permutation: rows gathered out of order
    }
    double[] grad = new double[net.parameterCount()];
    double[] stats = new double[net.stateSize()];
    BatchResult b =
        net.gradient(params, new double[net.stateSize()], data, order, 5, 64, 99L, grad, stats);
    return new Result(b, grad, stats);
  }

  @Test
  void sparseEqualsDensifiedBitForBitWithTheEjmlKernel() {
    Network net = Network.build(SpecParser.network("t", SPEC), DenseKernels.choose("ejml"));
    double[] params = TestNets.params(net, 3);
    Dataset sparse = sparseData(11);
    Result s = gradient(net, params, sparse);
    Result d = gradient(net, params, sparse.densified());
    assertEquals(d.batch().lossSum(), s.batch().lossSum(), 0.0);
    assertEquals(d.batch().correct(), s.batch().correct());
    for (int i = 0; i < d.grad().length; i++) {
      assertEquals(d.grad()[i], s.grad()[i], 0.0, "parameter " + i); // 0.0 == -0.0 here
    }
    for (int i = 0; i < d.stats().length; i++) {
      assertEquals(d.stats()[i], s.stats()[i], 0.0, "batch statistic " + i);
    }
    assertTrue(maxAbs(s.grad()) > 0.0);
  }

  @Test
  void sparseEqualsDensifiedToRoundOffWithTheChosenKernel() {
    Network net = Network.build(SpecParser.network("t", SPEC));
    double[] params = TestNets.params(net, 4);
    Dataset sparse = sparseData(12);
    Result s = gradient(net, params, sparse);
    Result d = gradient(net, params, sparse.densified());
    double scale = maxAbs(d.grad());
    for (int i = 0; i < d.grad().length; i++) {
      assertEquals(d.grad()[i], s.grad()[i], 1e-12 * scale, "parameter " + i);
    }
    assertEquals(d.batch().lossSum(), s.batch().lossSum(), 1e-12 * d.batch().lossSum());
  }

  @Test
  void pixelScalingKeepsSparseRowsSparseAndOtherPreprocessingRefuses() {
    Dataset sparse = sparseData(13);
    Dataset scaled = PixelScaling.INSTANCE.apply(sparse);
    assertTrue(scaled.isSparse());
    assertEquals(sparse.sparseFeatures().nonZeros(), scaled.sparseFeatures().nonZeros());
    double[] expected = sparse.densified().features().clone();
    PixelScaling.INSTANCE.applyInPlace(expected, WIDTH);
    assertEquals(
        java.util.Arrays.toString(expected),
        java.util.Arrays.toString(scaled.densified().features()));
    polyak.data.Standardizer z = polyak.data.Standardizer.fit(sparse.densified());
    DataException e = assertThrows(DataException.class, () -> z.apply(sparse));
    assertTrue(e.getMessage().contains("data.sparse = false"), e.getMessage());
  }

  @Test
  void sparseInputHasNoInputGradientAndNeedsADenseFirstLayer() {
    Network net = Network.build(SpecParser.network("t", SPEC));
    double[] params = TestNets.params(net, 5);
    Dataset sparse = sparseData(14);
    double[] inputGrad = new double[4 * WIDTH];
    assertThrows(
        IllegalStateException.class,
        () -> net.inputGradient(params, new double[net.stateSize()], sparse, 0, 4, inputGrad));
    Network normFirst =
        Network.build(
            SpecParser.network("t", "input " + WIDTH + "\nlayernorm\ndense 3\nloss softmax_ce"));
    DataException e = assertThrows(DataException.class, () -> normFirst.checkCompatible(sparse));
    assertTrue(e.getMessage().contains("dense first layer"), e.getMessage());
  }

  static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }
}
