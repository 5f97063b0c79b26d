package polyak.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A native BLAS is used only when it measures clearly faster than EJML. */
class KernelCalibrationTest {
  /** Debian's reference BLAS (package libblas3), installed beside OpenBLAS by `.ci/run`. */
  static final Path REFERENCE_BLAS = Path.of("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3");

  /**
   * A correct but slow kernel standing in for the reference BLAS: EJML plus 20 ms per product, so
   * it measures several times slower than EJML however loaded the machine is.
   */
  static final class SlowKernel implements DenseKernel {
    private final EjmlDenseKernel inner = new EjmlDenseKernel();

    private static void pause() {
      long until = System.nanoTime() + 20_000_000L;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    }

    @Override
    public void forward(double[] x, int rows, int in, double[] w, int wOff, int out, double[] y) {
      pause();
      inner.forward(x, rows, in, w, wOff, out, y);
    }

    @Override
    public void addWeightGradient(
        double[] x, double[] dy, int rows, int in, int out, double[] g, int gOff) {
      pause();
      inner.addWeightGradient(x, dy, rows, in, out, g, gOff);
    }

    @Override
    public void inputGradient(
        double[] dy, int rows, int out, double[] w, int wOff, int in, double[] dx) {
      pause();
      inner.inputGradient(dy, rows, out, w, wOff, in, dx);
    }

    @Override
    public void forward(float[] x, int rows, int in, float[] w, int out, float[] y) {
      pause();
      inner.forward(x, rows, in, w, out, y);
    }

    @Override
    public void weightGradient(float[] x, float[] dy, int rows, int in, int out, float[] dW) {
      pause();
      inner.weightGradient(x, dy, rows, in, out, dW);
    }

    @Override
    public void inputGradient(float[] dy, int rows, int out, float[] w, int in, float[] dx) {
      pause();
      inner.inputGradient(dy, rows, out, w, in, dx);
    }
  }

  @Test
  void aSlowNativeBlasIsPassedOverAndTheLineShowsTheFigures() {
    DenseKernels.Choice slowNative = new DenseKernels.Choice("blas:SlowNative", SlowKernel::new);
    DenseKernels.Choice java = DenseKernels.choose("java");
    KernelCalibration.Result r = KernelCalibration.calibrate(slowNative, java);
    assertEquals(java.name(), r.picked().name(), r.describe());
    assertTrue(r.nativeGflops() * KernelCalibration.MARGIN < r.ejmlGflops(), r.describe());
    assertTrue(
        r.describe()
            .matches(
                java.name()
                    + " \\(native blas:SlowNative \\d+\\.\\d GFLOP/s, ejml \\d+\\.\\d: "
                    + "not 2× faster or below 8 GFLOP/s, passed over\\)"),
        r.describe());
  }

  @Test
  void aNativeBlasMustBeTwiceEjmlAndAboveTheFloor() {
    assertTrue(KernelCalibration.worthUsing(43.6, 5.0)); // OpenBLAS beside a warmed-up EJML
    assertTrue(
        KernelCalibration.worthUsing(43.6, 0.2)); // ... beside an EJML the JIT has not reached
    assertFalse(KernelCalibration.worthUsing(3.0, 0.2)); // the reference library beside a cold EJML
    assertFalse(KernelCalibration.worthUsing(9.0, 5.0)); // not twice EJML
  }

  @Test
  void aFastNativeBlasIsUsed() {
    DenseKernels.Choice fastNative =
        new DenseKernels.Choice(
            "blas:FastNative",
            () ->
                new DenseKernel() {
                  @Override
                  public void forward(
                      double[] x, int rows, int in, double[] w, int wOff, int out, double[] y) {}

                  @Override
                  public void addWeightGradient(
                      double[] x, double[] dy, int rows, int in, int out, double[] g, int gOff) {}

                  @Override
                  public void inputGradient(
                      double[] dy, int rows, int out, double[] w, int wOff, int in, double[] dx) {}

                  @Override
                  public void forward(float[] x, int rows, int in, float[] w, int out, float[] y) {}

                  @Override
                  public void weightGradient(
                      float[] x, float[] dy, int rows, int in, int out, float[] dW) {}

                  @Override
                  public void inputGradient(
                      float[] dy, int rows, int out, float[] w, int in, float[] dx) {}
                });
    KernelCalibration.Result r =
        KernelCalibration.calibrate(fastNative, DenseKernels.choose("ejml"));
    assertEquals("blas:FastNative", r.picked().name(), r.describe());
    assertTrue(r.describe().startsWith("blas:FastNative (native blas:FastNative "), r.describe());
  }

  /** The real thing: a JVM whose libblas.so.3 is Debian's reference library picks the Java BLAS. */
  @Test
  void theReferenceBlasIsPassedOverInAFreshJvm() throws IOException, InterruptedException {
    assumeTrue(Files.exists(REFERENCE_BLAS), "Debian's reference BLAS (libblas3) is not installed");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-modules",
            "jdk.incubator.vector",
            "-cp",
            System.getProperty("java.class.path"),
            PrintKernelChoice.class.getName());
    pb.environment().put("LD_LIBRARY_PATH", REFERENCE_BLAS.getParent().toString());
    pb.environment().remove("POLYAK_KERNEL");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    List<String> lines = out.lines().filter(l -> l.startsWith("picked ")).toList();
    assertEquals(1, lines.size(), out);
    assertTrue(lines.get(0).startsWith("picked blas:VectorBLAS (native blas:JNIBLAS "), out);
    assertTrue(lines.get(0).endsWith("passed over)"), out);
  }
}
