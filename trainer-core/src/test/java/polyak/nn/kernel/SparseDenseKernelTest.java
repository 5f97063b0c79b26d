package polyak.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import polyak.data.DataException;
import polyak.data.SparseRows;

/**
 * The sparse first-layer products equal the dense ones: bit for bit against a dense product summed
 * in the same order, to round-off against the EJML kernel, and the weight gradient is the gradient
 * of the forward product (finite differences).
 */
class SparseDenseKernelTest {
  static final int ROWS = 120;
  static final int IN = 3000;
  static final int OUT = 12;

  /** A dense row-major block with about {@code density} of its entries non-zero. */
  static double[] sparseDense(long seed, double density) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[ROWS * IN];
    for (int i = 0; i < x.length; i++) {
      if (rng.nextDouble() < density) {
        x[i] = rng.nextGaussian();
      }
    }
    return x;
  }

  static double[] gaussian(long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rng.nextGaussian();
    }
    return a;
  }

  /** y = x·W summed over k ascending, zeros included. */
  static double[] denseForward(double[] x, double[] w, int wOff) {
    double[] y = new double[ROWS * OUT];
    for (int r = 0; r < ROWS; r++) {
      for (int k = 0; k < IN; k++) {
        for (int j = 0; j < OUT; j++) {
          y[r * OUT + j] += x[r * IN + k] * w[wOff + k * OUT + j];
        }
      }
    }
    return y;
  }

  /** g += xᵀ·dy, each term added into g in row order, zeros included. */
  static void denseWeightGradient(double[] x, double[] dy, double[] g, int gOff) {
    for (int r = 0; r < ROWS; r++) {
      for (int k = 0; k < IN; k++) {
        for (int j = 0; j < OUT; j++) {
          g[gOff + k * OUT + j] += x[r * IN + k] * dy[r * OUT + j];
        }
      }
    }
  }

  /** Equal as numbers (a sum of only zero terms may be +0 on one side and −0 on the other). */
  static void assertSameValues(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] != actual[i]) {
        throw new AssertionError("element " + i + ": " + expected[i] + " != " + actual[i]);
      }
    }
  }

  static double maxRelative(double[] a, double[] b) {
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(a[i]));
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    return diff / scale;
  }

  @Test
  void forwardEqualsTheDenseProduct() {
    double[] dense = sparseDense(1, 0.01);
    SparseRows x = SparseRows.of("test", dense, ROWS, IN);
    int wOff = 7;
    double[] w = gaussian(2, wOff + IN * OUT + 3);
    double[] y = new double[ROWS * OUT];
    SparseDenseKernel.forward(x, w, wOff, OUT, y);

    assertSameValues(denseForward(dense, w, wOff), y);
    double[] ejml = new double[ROWS * OUT];
    new EjmlDenseKernel().forward(dense, ROWS, IN, w, wOff, OUT, ejml);
    assertTrue(maxRelative(ejml, y) < 1e-13, "vs EJML: " + maxRelative(ejml, y));
  }

  @Test
  void weightGradientEqualsTheDenseProductAndAccumulates() {
    double[] dense = sparseDense(3, 0.01);
    SparseRows x = SparseRows.of("test", dense, ROWS, IN);
    double[] dy = gaussian(4, ROWS * OUT);
    int gOff = 5;
    double[] start = gaussian(5, gOff + IN * OUT + 2);

    double[] sparse = start.clone();
    SparseDenseKernel.addWeightGradient(x, dy, OUT, sparse, gOff);
    double[] expected = start.clone();
    denseWeightGradient(dense, dy, expected, gOff);
    assertSameValues(expected, sparse);

    double[] ejml = start.clone();
    new EjmlDenseKernel().addWeightGradient(dense, dy, ROWS, IN, OUT, ejml, gOff);
    assertTrue(maxRelative(ejml, sparse) < 1e-13, "vs EJML: " + maxRelative(ejml, sparse));
  }

  @Test
  void weightGradientIsTheGradientOfTheForwardProduct() {
    double[] dense = sparseDense(6, 0.01);
    SparseRows x = SparseRows.of("test", dense, ROWS, IN);
    double[] w = gaussian(7, IN * OUT);
    double[] c = gaussian(8, ROWS * OUT); // L(W) = Σ c ∘ (x·W), so dL/dW = xᵀ·c
    double[] g = new double[IN * OUT];
    SparseDenseKernel.addWeightGradient(x, c, OUT, g, 0);
    int checked = 0;
    for (int i = 0; i < x.nonZeros() && checked < 20; i += Math.max(1, x.nonZeros() / 20)) {
      int index = x.columns()[i] * OUT + (i % OUT);
      double h = 1e-5;
      double saved = w[index];
      w[index] = saved + h;
      double up = loss(x, w, c);
      w[index] = saved - h;
      double down = loss(x, w, c);
      w[index] = saved;
      double numeric = (up - down) / (2 * h);
      assertEquals(numeric, g[index], 1e-6 * Math.max(1, Math.abs(numeric)), "W[" + index + "]");
      assertTrue(g[index] != 0, "a weight of a present feature gets a gradient");
      checked++;
    }
    assertEquals(20, checked);
  }

  static double loss(SparseRows x, double[] w, double[] c) {
    double[] y = new double[ROWS * OUT];
    SparseDenseKernel.forward(x, w, 0, OUT, y);
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      s += c[i] * y[i];
    }
    return s;
  }

  @Test
  void memoryIsProportionalToTheNonZeros() {
    double[] dense = sparseDense(9, 0.01);
    SparseRows x = SparseRows.of("test", dense, ROWS, IN);
    int nnz = 0;
    for (double v : dense) {
      nnz += v != 0 ? 1 : 0;
    }
    assertEquals(nnz, x.nonZeros());
    assertEquals(4L * (ROWS + 1) + 12L * nnz, x.bytes());
    assertTrue(
        x.bytes() * 50 < 8L * dense.length, x.bytes() + " bytes vs dense " + 8L * dense.length);
    assertSameValues(dense, x.toDense());
    SparseRows tail = x.slice(100, 20);
    assertEquals(20, tail.rows());
    double[] tailDense = new double[20 * IN];
    System.arraycopy(dense, 100 * IN, tailDense, 0, tailDense.length);
    assertSameValues(tailDense, tail.toDense());
  }

  @Test
  void badLayoutsAreRefusedNamingTheSourceAndRow() {
    DataException descending =
        assertThrows(
            DataException.class,
            () ->
                new SparseRows(
                    "f.svm", 10, new int[] {0, 2}, new int[] {5, 3}, new double[] {1, 2}));
    assertTrue(
        descending.getMessage().startsWith("f.svm: row 0: column 3"), descending.getMessage());
    DataException outside =
        assertThrows(
            DataException.class,
            () -> new SparseRows("f.svm", 4, new int[] {0, 1}, new int[] {4}, new double[] {1}));
    assertTrue(outside.getMessage().contains("[0, 4)"), outside.getMessage());
    DataException nan =
        assertThrows(
            DataException.class,
            () ->
                new SparseRows(
                    "f.svm", 4, new int[] {0, 1}, new int[] {2}, new double[] {Double.NaN}));
    assertTrue(nan.getMessage().contains("not finite"), nan.getMessage());
  }
}
