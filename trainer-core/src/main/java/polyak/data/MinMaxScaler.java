package polyak.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Min-max scaling: x' = (x − min) / (max − min) per feature, with min and max from training data.
 * Training data maps into [0, 1]; other data may fall outside and is deliberately not clipped.
 */
public final class MinMaxScaler implements Preprocessor {
  private final double[] min;
  private final double[] range;

  private MinMaxScaler(double[] min, double[] range) {
    FeatureStats.checkFitted("min-max scaler", min, range);
    this.min = min;
    this.range = range;
  }

  /** Fits per-feature min and range; a constant feature gets range 1, so it maps to 0. */
  public static MinMaxScaler fit(Dataset train) {
    FeatureStats.requireRows(train, "a min-max scaler");
    double[] min = FeatureStats.min(train);
    double[] max = FeatureStats.max(train);
    double[] range = new double[min.length];
    for (int j = 0; j < min.length; j++) {
      range[j] = max[j] > min[j] ? max[j] - min[j] : 1;
    }
    return new MinMaxScaler(min, range);
  }

  public double[] min() {
    return min.clone();
  }

  /** max − min per feature (1 for a constant feature). */
  public double[] range() {
    return range.clone();
  }

  @Override
  public int width() {
    return min.length;
  }

  @Override
  public void applyInPlace(double[] rowMajor, int width) {
    Preprocessor.checkShape(this, rowMajor, width);
    for (int i = 0; i < rowMajor.length; i++) {
      int j = i % width;
      rowMajor[i] = (rowMajor[i] - min[j]) / range[j];
    }
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeByte(TAG_MIN_MAX);
    out.writeInt(min.length);
    FeatureStats.writeArray(out, min);
    FeatureStats.writeArray(out, range);
  }

  static MinMaxScaler readBody(DataInput in, String source) throws IOException {
    int w = FeatureStats.readWidth(in, source, "min-max scaler");
    double[] min = FeatureStats.readArray(in, w);
    double[] range = FeatureStats.readArray(in, w);
    try {
      return new MinMaxScaler(min, range);
    } catch (DataException e) {
      throw new DataException(source + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "min-max scaler (" + min.length + " features)";
  }
}
