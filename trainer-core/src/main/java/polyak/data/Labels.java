package polyak.data;

/** Label encodings. */
public final class Labels {
  private Labels() {}

  /** Row-major {@code labels.length × classes} one-hot matrix. */
  public static double[] oneHot(int[] labels, int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be positive, got " + classes);
    }
    double[] out = new double[Math.multiplyExact(labels.length, classes)];
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] < 0 || labels[r] >= classes) {
        throw new DataException(
            "row " + r + ": label " + labels[r] + " outside [0, " + classes + ")");
      }
      out[r * classes + labels[r]] = 1;
    }
    return out;
  }
}
