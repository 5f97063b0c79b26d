package polyak.train;

import polyak.data.Dataset;
import polyak.util.Seeds;

/**
 * Bootstrap samples for bagging, drawn per example: example {@code id} appears Poisson(1) times in
 * the sample of ensemble member {@code member}, the count drawn from (seed, member, id) alone. So
 * the sample is the same however the data is partitioned (the Poisson bootstrap, the usual way to
 * bootstrap data that is never in one place), and its expected size is N.
 */
public final class Bootstrap {
  private static final long STREAM = 0xB0075L;
  private static final double[] POISSON_ONE_CDF = poissonOneCdf();

  private Bootstrap() {}

  /** How many times example {@code id} is in member {@code member}'s sample. */
  public static int count(long seed, int member, long id) {
    double u = (Seeds.derive(seed, STREAM, member, id) >>> 11) * 0x1.0p-53;
    int k = 0;
    while (k < POISSON_ONE_CDF.length && u >= POISSON_ONE_CDF[k]) {
      k++;
    }
    return k;
  }

  /**
   * The rows of {@code block}, each repeated {@link #count} times, in row order. The sample's rows
   * get new consecutive ids from the block's base id (they only key dropout masks). A float32 block
   * gives a float32 sample.
   */
  public static Dataset sample(Dataset block, long seed, int member) {
    int w = block.width();
    int tw = block.isClassification() ? 0 : block.targetWidth();
    int[] counts = new int[block.rows()];
    int total = 0;
    for (int r = 0; r < block.rows(); r++) {
      counts[r] = count(seed, member, block.baseId() + r);
      total += counts[r];
    }
    double[] x = new double[total * w];
    int[] labels = block.isClassification() ? new int[total] : null;
    double[] targets = block.isClassification() ? null : new double[total * tw];
    float[] xf = block.floatFeatures();
    double[] xd = xf == null ? block.features() : null;
    int at = 0;
    for (int r = 0; r < block.rows(); r++) {
      for (int c = 0; c < counts[r]; c++, at++) {
        if (xf != null) {
          for (int j = 0; j < w; j++) {
            x[at * w + j] = xf[r * w + j];
          }
        } else {
          System.arraycopy(xd, r * w, x, at * w, w);
        }
        if (labels != null) {
          labels[at] = block.labels()[r];
        } else {
          System.arraycopy(block.targets(), r * tw, targets, at * tw, tw);
        }
      }
    }
    Dataset sample =
        labels != null
            ? Dataset.classification(
                block.source() + " (bootstrap " + member + ")",
                w,
                x,
                labels,
                block.classes(),
                block.baseId())
            : Dataset.regression(
                block.source() + " (bootstrap " + member + ")", w, x, tw, targets, block.baseId());
    return xf == null ? sample : sample.toFloat32();
  }

  /** P(K ≤ k) for K ~ Poisson(1), k = 0.. until it rounds to 1. */
  private static double[] poissonOneCdf() {
    double[] cdf = new double[20];
    double p = Math.exp(-1);
    double sum = 0;
    for (int k = 0; k < cdf.length; k++) {
      sum += p;
      cdf[k] = sum;
      p /= (k + 1);
    }
    return cdf;
  }
}
