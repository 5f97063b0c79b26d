package polyak.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every BLAS kernel available here agrees with the EJML reference to round-off, offsets included.
 */
class DenseKernelAgreementTest {
  static final int[][] SHAPES = {
    {1, 1, 1}, {7, 5, 3}, {64, 784, 256}, {33, 256, 128}, {512, 128, 10}
  };

  static List<DenseKernel> blasKernels() {
    List<DenseKernel> kernels = new ArrayList<>();
    kernels.add(new BlasDenseKernel(JavaBLAS.getInstance()));
    try {
      kernels.add(new BlasDenseKernel(NativeBLAS.getInstance()));
    } catch (RuntimeException | LinkageError e) {
      // no system BLAS on this machine: the Java BLAS is still checked
    }
    return kernels;
  }

  @Test
  void blasKernelsAgreeWithEjml() {
    SplittableRandom rng = new SplittableRandom(11);
    for (DenseKernel blas : blasKernels()) {
      for (int[] s : SHAPES) {
        int rows = s[0];
        int in = s[1];
        int out = s[2];
        int wOff = 13;
        double[] x = random(rng, rows * in);
        double[] w = random(rng, wOff + in * out + 5);
        double[] dy = random(rng, rows * out);
        EjmlDenseKernel ref = new EjmlDenseKernel();

        double[] y1 = new double[rows * out];
        double[] y2 = new double[rows * out];
        ref.forward(x, rows, in, w, wOff, out, y1);
        blas.forward(x, rows, in, w, wOff, out, y2);
        assertClose(y1, y2, in, "forward " + describe(blas, s));

        double[] g1 = random(new SplittableRandom(5), wOff + in * out + 5);
        double[] g2 = g1.clone();
        ref.addWeightGradient(x, dy, rows, in, out, g1, wOff);
        blas.addWeightGradient(x, dy, rows, in, out, g2, wOff);
        assertClose(g1, g2, rows, "weight gradient " + describe(blas, s));
        assertEquals(g1[wOff - 1], g2[wOff - 1], 0.0, "values before the offset untouched");
        assertEquals(
            g1[wOff + in * out], g2[wOff + in * out], 0.0, "values after the segment untouched");

        double[] dx1 = new double[rows * in];
        double[] dx2 = new double[rows * in];
        ref.inputGradient(dy, rows, out, w, wOff, in, dx1);
        blas.inputGradient(dy, rows, out, w, wOff, in, dx2);
        assertClose(dx1, dx2, out, "input gradient " + describe(blas, s));
      }
    }
  }

  @Test
  void choosingByNameWorksAndUnknownNamesAreRefused() {
    assertEquals("ejml", DenseKernels.choose("ejml").name());
    assertTrue(DenseKernels.choose("java").name().startsWith("blas:"));
    assertTrue(DenseKernels.choose("auto").name().startsWith("blas:"));
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> DenseKernels.choose("cuda"));
    assertTrue(
        e.getMessage().contains("polyak.kernel") && e.getMessage().contains("cuda"),
        e.getMessage());
  }

  @Test
  void namedKernelIsExactlyTheOneNamedOrARefusal() {
    assertEquals("ejml", DenseKernels.named("ejml").name());
    String here = DenseKernels.choose("auto").name();
    assertEquals(here, DenseKernels.named(here).name());
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> DenseKernels.named("blas:NoSuchBLAS"));
    assertTrue(
        e.getMessage().contains("blas:NoSuchBLAS") && e.getMessage().contains("polyak.kernel"),
        e.getMessage());
  }

  static String describe(DenseKernel k, int[] s) {
    return ((BlasDenseKernel) k).implementation() + " " + s[0] + "x" + s[1] + "x" + s[2];
  }

  /** Sums of n products of values in [-1, 1): round-off grows like n·ε. */
  static void assertClose(double[] expected, double[] actual, int n, String what) {
    double tol = 4 * n * Math.ulp(1.0);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " at " + i);
    }
  }

  static double[] random(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 2 * rng.nextDouble() - 1;
    }
    return v;
  }
}
