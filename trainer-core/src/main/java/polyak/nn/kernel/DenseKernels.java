package polyak.nn.kernel;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Chooses the dense-layer kernel once per JVM and says which in one log line. Order: native BLAS if
 * the system has one and {@link KernelCalibration} measures it clearly faster than EJML (it may be
 * Debian's slow reference library), with OPENBLAS_NUM_THREADS=1 inside Spark tasks; else netlib's
 * Java BLAS — VectorBLAS when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * (polyak's launcher and Spark's own JVM options add it), Java11BLAS otherwise — else EJML.
 * Override with the system property {@code polyak.kernel} or the environment variable {@code
 * POLYAK_KERNEL}: {@code ejml}, {@code java} (netlib Java BLAS) or {@code native}.
 */
public final class DenseKernels {
  private static final Logger LOG = Logger.getLogger(DenseKernels.class.getName());
  private static volatile Choice choice;
  private static volatile KernelCalibration.Result calibration;

  private DenseKernels() {}

  /** How kernels are made: a name for logs and a factory (EJML kernels hold per-layer scratch). */
  public record Choice(String name, Supplier<DenseKernel> factory) {}

  /**
   * The chosen kernel's name with the figures that chose it, when it was measured: the one kernel
   * line.
   */
  public static String describe() {
    Choice c = chosen();
    KernelCalibration.Result measured = calibration;
    return measured != null && measured.picked() == c ? measured.describe() : c.name();
  }

  /** The chosen kernel's name, e.g. "blas:VectorBLAS" or "ejml". */
  public static String name() {
    return chosen().name();
  }

  public static Choice chosen() {
    Choice c = choice;
    if (c == null) {
      synchronized (DenseKernels.class) {
        if (choice == null) {
          String request = requested();
          choice = choose(request);
          KernelCalibration.Result measured = calibration;
          LOG.info(
              "polyak dense-layer kernel: "
                  + (measured != null && measured.picked() == choice
                      ? measured.describe()
                      : choice.name()
                          + (request == null || request.isBlank()
                              ? ""
                              : " (set by polyak.kernel/POLYAK_KERNEL=" + request + ")")));
        }
        c = choice;
      }
    }
    return c;
  }

  /**
   * The kernel named {@code request} ("ejml", "java", "native"; "" or "auto" for the best
   * available).
   */
  public static Choice choose(String request) {
    String r = request == null ? "" : request.trim().toLowerCase(Locale.ROOT);
    switch (r) {
      case "ejml":
        return ejml();
      case "java":
        return blas(JavaBLAS.getInstance());
      case "native":
        return blas(NativeBLAS.getInstance());
      case "", "auto":
        return auto();
      default:
        throw new IllegalArgumentException(
            "polyak.kernel: unknown kernel '"
                + request
                + "' (expected ejml, java, native or auto)");
    }
  }

  /**
   * The best kernel available: the native BLAS if the system has one and {@link KernelCalibration}
   * measures it clearly faster than EJML, else netlib's Java BLAS, else EJML. Decided once per JVM.
   */
  static Choice auto() {
    Choice javaBlas;
    try {
      javaBlas = blas(JavaBLAS.getInstance());
    } catch (RuntimeException | LinkageError e) {
      javaBlas = ejml();
    }
    Choice nativeBlas;
    try {
      nativeBlas = blas(NativeBLAS.getInstance());
    } catch (RuntimeException | LinkageError e) {
      return javaBlas;
    }
    synchronized (DenseKernels.class) {
      if (calibration == null) {
        calibration = KernelCalibration.calibrate(nativeBlas, javaBlas);
      }
      return calibration.picked();
    }
  }

  /** The measurement behind "auto" when this JVM has a native BLAS and measured it, else empty. */
  public static Optional<KernelCalibration.Result> calibration() {
    return Optional.ofNullable(calibration);
  }

  /**
   * The kernel called {@code name} exactly as {@link Choice#name()} reports it ("ejml",
   * "blas:JNIBLAS", "blas:VectorBLAS", "blas:Java11BLAS"). Different BLAS implementations round
   * differently, so a Spark driver sends its kernel's name with every task and the executors use
   * the same one: otherwise a task retried on another machine could change the parameters' last
   * bits.
   *
   * @throws IllegalStateException when this JVM cannot run that kernel, saying what it has instead
   */
  public static Choice named(String name) {
    if (name.equals("ejml")) {
      return ejml();
    }
    Choice c;
    try {
      c = choose(name.equals("blas:JNIBLAS") ? "native" : "java");
    } catch (RuntimeException | LinkageError e) {
      c = null;
    }
    if (c == null || !c.name().equals(name)) {
      throw new IllegalStateException(
          "this JVM cannot run the dense kernel '"
              + name
              + "' the driver uses (it has "
              + (c == null ? "no such BLAS" : c.name())
              + "): install the same BLAS on every machine"
              + " (native: libopenblas0; VectorBLAS: --add-modules jdk.incubator.vector) or set polyak.kernel on the"
              + " driver to one every executor has, e.g. -Dpolyak.kernel=ejml");
    }
    return c;
  }

  private static Choice ejml() {
    return new Choice("ejml", EjmlDenseKernel::new);
  }

  private static Choice blas(BLAS blas) {
    BlasDenseKernel kernel = new BlasDenseKernel(blas);
    return new Choice("blas:" + kernel.implementation(), () -> kernel);
  }

  private static String requested() {
    String p = System.getProperty("polyak.kernel");
    return p != null ? p : System.getenv("POLYAK_KERNEL");
  }
}
