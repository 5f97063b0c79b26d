package polyak.spark.data;

import java.util.List;
import polyak.data.DataException;
import polyak.data.Standardizer;

/**
 * Fits z-score standardisation on distributed training data in one pass, as the same {@link
 * Standardizer} that LocalTrainer fits in memory and a model file carries; apply it with {@link
 * LoadedData#preprocessed}. A constant feature (std 0, e.g. an always-black border pixel) gets std
 * 1, so it maps to 0 rather than NaN.
 */
public final class Standardization {
  private Standardization() {}

  /**
   * Each task returns its block's moments and the driver merges them in partition order, not with
   * {@code treeAggregate}: Spark merges aggregate results in task completion order, which would
   * make the statistics differ in the last bits from run to run. No zero value is shipped, and P
   * results of 2 × width doubles are small (P is the core count).
   */
  public static Standardizer fit(LoadedData train) {
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
    return Standardizer.of(all.mean, std);
  }
}
