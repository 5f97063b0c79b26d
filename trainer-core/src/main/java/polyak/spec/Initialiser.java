package polyak.spec;

import java.util.Locale;
import java.util.SplittableRandom;

/** Weight initialisers. Biases always start at zero; normalisation γ at one and β at zero. */
public enum Initialiser {
  ZEROS,
  /** N(0, σ²) with σ from the layer spec (default 0.01). */
  NORMAL,
  XAVIER_NORMAL,
  XAVIER_UNIFORM,
  HE_NORMAL,
  HE_UNIFORM,
  /** He for ReLU-family activations after the layer, Xavier normal otherwise. */
  AUTO;

  /** Fills {@code w[offset .. offset+fanIn*fanOut)} . */
  public void fill(
      double[] w, int offset, int fanIn, int fanOut, double sigma, SplittableRandom rng) {
    int n = fanIn * fanOut;
    switch (this) {
      case ZEROS -> java.util.Arrays.fill(w, offset, offset + n, 0.0);
      case NORMAL -> gaussian(w, offset, n, sigma, rng);
      case XAVIER_NORMAL -> gaussian(w, offset, n, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
      case XAVIER_UNIFORM -> uniform(w, offset, n, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
      case HE_NORMAL -> gaussian(w, offset, n, Math.sqrt(2.0 / fanIn), rng);
      case HE_UNIFORM -> uniform(w, offset, n, Math.sqrt(6.0 / fanIn), rng);
      case AUTO ->
          throw new IllegalStateException("AUTO must be resolved against the activation first");
    }
  }

  private static void gaussian(double[] w, int offset, int n, double sigma, SplittableRandom rng) {
    for (int i = 0; i < n; i++) {
      w[offset + i] = sigma * Gaussian.next(rng);
    }
  }

  private static void uniform(double[] w, int offset, int n, double limit, SplittableRandom rng) {
    for (int i = 0; i < n; i++) {
      w[offset + i] = (2 * rng.nextDouble() - 1) * limit;
    }
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Initialiser parse(String field, String value) {
    for (Initialiser i : values()) {
      if (i.key().equals(value.toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    throw new SpecException(
        field
            + ": unknown initialiser '"
            + value
            + "' (expected one of zeros, normal,"
            + " xavier_normal, xavier_uniform, he_normal, he_uniform, auto)");
  }

  /**
   * Box–Muller from a SplittableRandom, which (unlike java.util.Random) has no nextGaussian state.
   */
  static final class Gaussian {
    private Gaussian() {}

    static double next(SplittableRandom rng) {
      double u1 = rng.nextDouble();
      double u2 = rng.nextDouble();
      return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
  }
}
