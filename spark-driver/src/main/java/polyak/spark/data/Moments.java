package polyak.spark.data;

import java.io.Serializable;
import polyak.data.Dataset;

/** Count, per-feature mean and sum of squared deviations of some rows; mergeable (Chan et al.). */
final class Moments implements Serializable {
  private static final long serialVersionUID = 1L;

  final long count;
  final double[] mean;
  final double[] m2;

  private Moments(long count, double[] mean, double[] m2) {
    this.count = count;
    this.mean = mean;
    this.m2 = m2;
  }

  /** Two passes over an in-memory block: exact, no cancellation from sums of squares. */
  static Moments of(Dataset block) {
    int w = block.width();
    int n = block.rows();
    double[] f = block.features();
    double[] mean = new double[w];
    double[] m2 = new double[w];
    if (n == 0) {
      return new Moments(0, mean, m2);
    }
    for (int r = 0; r < n; r++) {
      for (int j = 0, at = r * w; j < w; j++, at++) {
        mean[j] += f[at];
      }
    }
    for (int j = 0; j < w; j++) {
      mean[j] /= n;
    }
    for (int r = 0; r < n; r++) {
      for (int j = 0, at = r * w; j < w; j++, at++) {
        double d = f[at] - mean[j];
        m2[j] += d * d;
      }
    }
    return new Moments(n, mean, m2);
  }

  Moments plus(Moments o) {
    if (o.count == 0) {
      return this;
    }
    if (count == 0) {
      return o;
    }
    long n = count + o.count;
    double[] mu = new double[mean.length];
    double[] s = new double[mean.length];
    for (int j = 0; j < mean.length; j++) {
      double delta = o.mean[j] - mean[j];
      mu[j] = mean[j] + delta * o.count / n;
      s[j] = m2[j] + o.m2[j] + delta * delta * ((double) count * o.count / n);
    }
    return new Moments(n, mu, s);
  }
}
