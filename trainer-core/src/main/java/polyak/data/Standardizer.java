package polyak.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Z-score standardisation: x' = (x − mean) / std per feature, with statistics from training data.
 */
public final class Standardizer implements Preprocessor {
  private final double[] mean;
  private final double[] std;

  private Standardizer(double[] mean, double[] std) {
    FeatureStats.checkFitted("standardizer", mean, std);
    this.mean = mean;
    this.std = std;
  }

  /**
   * Fits per-feature mean and population standard deviation (two passes, for accuracy). A constant
   * feature gets std 1 and mean equal to its value, so it maps to exactly 0 rather than dividing by
   * zero; the test for "constant" is min == max, since a rounded mean would leave a tiny non-zero
   * std that blows rounding noise up to order 1.
   */
  public static Standardizer fit(Dataset train) {
    FeatureStats.requireRows(train, "a standardizer");
    int w = train.width();
    int n = train.rows();
    double[] x = train.features();
    double[] mean = new double[w];
    for (int i = 0; i < x.length; i++) {
      mean[i % w] += x[i];
    }
    for (int j = 0; j < w; j++) {
      mean[j] /= n;
    }
    double[] var = new double[w];
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - mean[i % w];
      var[i % w] += d * d;
    }
    double[] min = FeatureStats.min(train);
    double[] max = FeatureStats.max(train);
    double[] std = new double[w];
    for (int j = 0; j < w; j++) {
      if (min[j] == max[j]) {
        mean[j] = min[j];
        std[j] = 1;
      } else {
        std[j] = Math.sqrt(var[j] / n);
      }
    }
    return new Standardizer(mean, std);
  }

  /** A standardizer with given statistics (copied); every std must be finite and positive. */
  public static Standardizer of(double[] mean, double[] std) {
    return new Standardizer(mean.clone(), std.clone());
  }

  public double[] mean() {
    return mean.clone();
  }

  public double[] std() {
    return std.clone();
  }

  @Override
  public int width() {
    return mean.length;
  }

  @Override
  public void applyInPlace(double[] rowMajor, int width) {
    Preprocessor.checkShape(this, rowMajor, width);
    for (int i = 0; i < rowMajor.length; i++) {
      int j = i % width;
      rowMajor[i] = (rowMajor[i] - mean[j]) / std[j];
    }
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeByte(TAG_STANDARDIZER);
    out.writeInt(mean.length);
    FeatureStats.writeArray(out, mean);
    FeatureStats.writeArray(out, std);
  }

  static Standardizer readBody(DataInput in, String source) throws IOException {
    int w = FeatureStats.readWidth(in, source, "standardizer");
    double[] mean = FeatureStats.readArray(in, w);
    double[] std = FeatureStats.readArray(in, w);
    try {
      return new Standardizer(mean, std);
    } catch (DataException e) {
      throw new DataException(source + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "standardizer (" + mean.length + " features)";
  }
}
