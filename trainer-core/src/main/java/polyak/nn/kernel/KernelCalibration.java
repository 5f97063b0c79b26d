package polyak.nn.kernel;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Decides whether the system's native BLAS is worth using, by measuring it, not by its presence:
 * the active {@code libblas.so.3} can be Debian's reference library (pulled in by many packages),
 * which runs a dense layer at EJML's speed — 6× slower than the pure-Java VectorBLAS it would
 * otherwise win over. The native BLAS and EJML each run a dense layer's three products (forward,
 * weight gradient, input gradient) on one fixed shape, 0.1 s of warm-up then 0.1 s of timed
 * repetitions whose best gives GFLOP/s. An optimised BLAS (OpenBLAS, MKL, BLIS) is many times
 * faster than EJML and is used; one within {@link #MARGIN}× of EJML, or below {@link
 * #FLOOR_GFLOPS}, is passed over for netlib's Java BLAS. The floor is there because EJML is Java
 * too: on a loaded machine the JIT may not have compiled it within the warm-up (0.2 GFLOP/s was
 * seen under a load of 8), and then the ratio alone would let the reference library through. Here
 * OpenBLAS measured 40–47 GFLOP/s on this shape and the reference library 1–3.
 *
 * <p>The Java BLAS itself is not timed: VectorBLAS reaches its speed only after the JIT has
 * compiled its loops, which takes seconds — too long for start-up.
 */
public final class KernelCalibration {
  /** How many times faster than EJML a native BLAS must measure to be used. */
  public static final double MARGIN = 2.0;

  /** The speed (GFLOP/s) below which a native BLAS is not used whatever EJML measured. */
  public static final double FLOOR_GFLOPS = 8.0;

  private static final int ROWS = 64;
  private static final int IN = 256;
  private static final int OUT = 128;
  private static final long WARMUP_NANOS = 100_000_000L;
  private static final long MEASURE_NANOS = 100_000_000L;

  /** What was measured (GFLOP/s) and the kernel picked. */
  public record Result(
      String nativeName, double nativeGflops, double ejmlGflops, DenseKernels.Choice picked) {
    /**
     * E.g. "blas:VectorBLAS (native blas:JNIBLAS 3.8 GFLOP/s, ejml 3.1: not 2× faster or below 8
     * GFLOP/s, passed over)".
     */
    public String describe() {
      String figures =
          String.format(
              Locale.ROOT,
              "native %s %.1f GFLOP/s, ejml %.1f",
              nativeName,
              nativeGflops,
              ejmlGflops);
      return picked.name()
          + " ("
          + figures
          + (picked.name().equals(nativeName)
              ? ")"
              : ": not "
                  + (int) MARGIN
                  + "× faster or below "
                  + (int) FLOOR_GFLOPS
                  + " GFLOP/s, passed over)");
    }
  }

  private KernelCalibration() {}

  /**
   * Measures {@code nativeBlas} against EJML and picks it, or {@code otherwise} when it is not
   * clearly faster.
   */
  public static Result calibrate(DenseKernels.Choice nativeBlas, DenseKernels.Choice otherwise) {
    double n = measure(nativeBlas.factory().get());
    double e = measure(new EjmlDenseKernel());
    return new Result(nativeBlas.name(), n, e, worthUsing(n, e) ? nativeBlas : otherwise);
  }

  /**
   * Whether a native BLAS measured at {@code nativeGflops} beside EJML's {@code ejmlGflops} is
   * used.
   */
  static boolean worthUsing(double nativeGflops, double ejmlGflops) {
    return nativeGflops >= MARGIN * ejmlGflops && nativeGflops >= FLOOR_GFLOPS;
  }

  /** GFLOP/s of the best timed repetition of forward + weight gradient + input gradient. */
  static double measure(DenseKernel kernel) {
    SplittableRandom rng = new SplittableRandom(7);
    double[] x = random(rng, ROWS * IN);
    double[] w = random(rng, IN * OUT);
    double[] dy = random(rng, ROWS * OUT);
    double[] y = new double[ROWS * OUT];
    double[] g = new double[IN * OUT];
    double[] dx = new double[ROWS * IN];
    long warmupEnd = System.nanoTime() + WARMUP_NANOS;
    for (int rep = 0; rep < 2 || System.nanoTime() < warmupEnd && rep < 500; rep++) {
      products(kernel, x, w, dy, y, g, dx);
    }
    long best = Long.MAX_VALUE;
    long measureEnd = System.nanoTime() + MEASURE_NANOS;
    for (int rep = 0; rep < 3 || System.nanoTime() < measureEnd && rep < 500; rep++) {
      long t0 = System.nanoTime();
      products(kernel, x, w, dy, y, g, dx);
      best = Math.min(best, System.nanoTime() - t0);
    }
    return 3 * 2.0 * ROWS * IN * OUT / best;
  }

  private static void products(
      DenseKernel kernel,
      double[] x,
      double[] w,
      double[] dy,
      double[] y,
      double[] g,
      double[] dx) {
    kernel.forward(x, ROWS, IN, w, 0, OUT, y);
    kernel.addWeightGradient(x, dy, ROWS, IN, OUT, g, 0);
    kernel.inputGradient(dy, ROWS, OUT, w, 0, IN, dx);
  }

  private static double[] random(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble() - 0.5;
    }
    return v;
  }
}
