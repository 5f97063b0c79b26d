package polyak.nn;

import java.util.Locale;

/**
 * The number format of a training step's heavy data (mixed precision): with {@link #FLOAT32} the
 * cached training rows, the parameters the gradient is taken at, the dense layers' GEMMs and each
 * partition's gradient sum are float32, while the master parameters, the optimizer state, the
 * Polyak average and the sum of partition gradients stay float64. Element-wise layers, losses,
 * evaluation and prediction run in float64 in both. Arrays stay {@code double[]} where they cross
 * an API: a float32 value is held exactly by a double, so {@link #round} marks the points where
 * float32 applies, and the wire formats write such arrays as 4-byte floats.
 */
public enum Precision {
  FLOAT32("float32", 4),
  FLOAT64("float64", 8);

  private final String text;
  private final int bytes;

  Precision(String text, int bytes) {
    this.text = text;
    this.bytes = bytes;
  }

  /** "float32" or "float64", as configs and logs write it. */
  public String text() {
    return text;
  }

  /** Bytes per value. */
  public int bytes() {
    return bytes;
  }

  /** The precision called {@code text} ("float32" or "float64"), or empty when there is none. */
  public static java.util.Optional<Precision> parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (Precision p : values()) {
      if (p.text.equals(t)) {
        return java.util.Optional.of(p);
      }
    }
    return java.util.Optional.empty();
  }

  /** Rounds every value of {@code v} to this precision, in place (float64: unchanged). */
  public void round(double[] v) {
    if (this == FLOAT32) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) v[i];
      }
    }
  }

  /** {@code dst} = {@code src} rounded to this precision. */
  public void round(double[] src, double[] dst) {
    if (this == FLOAT32) {
      for (int i = 0; i < src.length; i++) {
        dst[i] = (float) src[i];
      }
    } else {
      System.arraycopy(src, 0, dst, 0, src.length);
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
