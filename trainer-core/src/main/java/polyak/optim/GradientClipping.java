package polyak.optim;

/** Gradient clipping in place; both forms return the pre-clip global L2 norm for logging. */
public final class GradientClipping {
  private GradientClipping() {}

  /**
   * If ‖g‖ > maxNorm, scales g to norm maxNorm. A non-finite norm leaves g unchanged (scaling by 0
   * or NaN would hide the problem) and is returned, so a {@link DivergenceGuard} can report it.
   */
  public static double clipByGlobalNorm(double[] gradient, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("clipping max norm must be > 0, got " + maxNorm);
    }
    double norm = l2Norm(gradient);
    if (norm > maxNorm && Double.isFinite(norm)) {
      double scale = maxNorm / norm;
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] *= scale;
      }
    }
    return norm;
  }

  /** Clamps every component to [−limit, limit]; NaN components are left as they are. */
  public static double clipByValue(double[] gradient, double limit) {
    if (!(limit > 0)) {
      throw new IllegalArgumentException("clipping limit must be > 0, got " + limit);
    }
    double norm = l2Norm(gradient);
    for (int i = 0; i < gradient.length; i++) {
      double g = gradient[i];
      if (g > limit) {
        gradient[i] = limit;
      } else if (g < -limit) {
        gradient[i] = -limit;
      }
    }
    return norm;
  }

  public static double l2Norm(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }
}
