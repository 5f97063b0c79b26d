package polyak.nn.kernel;

/**
 * Prints this JVM's kernel choice and its calibration; run in a child JVM by {@link
 * KernelCalibrationTest}.
 */
public final class PrintKernelChoice {
  private PrintKernelChoice() {}

  public static void main(String[] args) {
    DenseKernels.Choice c = DenseKernels.choose("auto");
    System.out.println(
        "picked "
            + DenseKernels.calibration().map(KernelCalibration.Result::describe).orElse(c.name()));
  }
}
