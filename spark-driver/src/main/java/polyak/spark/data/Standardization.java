package polyak.spark.data;

import java.io.Serializable;
import java.util.List;
import polyak.data.DataException;
import polyak.data.Dataset;

/**
 * Z-score standardisation: per-feature mean and (population) standard deviation fitted on training
 * data, applied as {@code (x - mean) / std} to training and test data alike. A constant feature
 * (std 0, e.g. an always-black border pixel) gets std 1, so it maps to 0 rather than NaN.
 */
public final class Standardization implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] mean;
  private final double[] std;

  private Standardization(double[] mean, double[] std) {
    this.mean = mean;
    this.std = std;
  }

  /**
   * One distributed pass. Each task returns its block's moments and the driver merges them in
   * partition order, not with {@code treeAggregate}: Spark merges aggregate results in task
   * completion order, which would make the statistics differ in the last bits from run to run. No
   * zero value is shipped, and P results of 2 × width doubles are small (P is the core count).
   */
  public static Standardization fit(LoadedData train) {
    List<Moments> parts = SparkFailures.unwrapping(() -> train.blocks().map(Moments::of).collect());
    Moments all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.plus(parts.get(i));
    }
    if (all.count == 0) {
      throw new DataException(train.description() + ": no rows to fit a standardisation on");
    }
    double[] std = new double[all.mean.length];
    for (int j = 0; j < std.length; j++) {
      double s = Math.sqrt(all.m2[j] / all.count);
      std[j] = s > 0 ? s : 1.0;
    }
    return new Standardization(all.mean, std);
  }

  /** Standardised copy of {@code data}; replaces it (its blocks are unpersisted). */
  public LoadedData applyTo(LoadedData data) {
    if (data.width() != mean.length) {
      throw new DataException(data.description() + ": " + data.width() + " features per row, but the standardisation"
          + " was fitted on " + mean.length);
    }
    return data.transformed("standardised", this::apply);
  }

  /** A standardised copy of one block. */
  public Dataset apply(Dataset block) {
    int w = mean.length;
    if (block.width() != w) {
      throw new DataException(block.source() + ": " + block.width() + " features per row, but the standardisation"
          + " was fitted on " + w);
    }
    double[] f = block.features();
    double[] out = new double[f.length];
    for (int row = 0; row < f.length; row += w) {
      for (int j = 0; j < w; j++) {
        out[row + j] = (f[row + j] - mean[j]) / std[j];
      }
    }
    return block.withFeatures(out);
  }

  public double[] mean() {
    return mean.clone();
  }

  public double[] std() {
    return std.clone();
  }
}
