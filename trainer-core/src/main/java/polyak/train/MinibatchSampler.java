package polyak.train;

import java.util.SplittableRandom;
import polyak.util.Seeds;

/**
 * Which rows each partition contributes to global minibatch t. Partition p (of n_p rows) takes a
 * fixed share b_p of the global batch B — proportional to n_p, remainders to the largest fractions,
 * ties to the lower index — from its own permutation, reshuffled every epoch from (seed, epoch, p).
 * An epoch is ⌊N / B⌋ iterations (at least one). The same sampler drives LocalTrainer and the Spark
 * loop, so with the same partition sizes both see the same global batches.
 */
public final class MinibatchSampler {
  private final long seed;
  private final int[] partitionRows;
  private final int[] shares;
  private final long total;
  private final int batchSize;
  private final long iterationsPerEpoch;

  public MinibatchSampler(long seed, int[] partitionRows, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    long n = 0;
    for (int r : partitionRows) {
      n += r;
    }
    if (n == 0) {
      throw new IllegalArgumentException("no training examples");
    }
    if (batchSize > n) {
      throw new IllegalArgumentException(
          "batch size " + batchSize + " exceeds the " + n + " training examples");
    }
    this.seed = seed;
    this.partitionRows = partitionRows.clone();
    this.total = n;
    this.batchSize = batchSize;
    this.shares = shares(partitionRows, n, batchSize);
    this.iterationsPerEpoch = Math.max(1, n / batchSize);
  }

  private static int[] shares(int[] rows, long n, int b) {
    int p = rows.length;
    int[] share = new int[p];
    double[] frac = new double[p];
    int assigned = 0;
    for (int i = 0; i < p; i++) {
      double exact = (double) b * rows[i] / n;
      share[i] = (int) Math.floor(exact);
      frac[i] = exact - share[i];
      assigned += share[i];
    }
    while (assigned < b) {
      int best = -1;
      for (int i = 0; i < p; i++) {
        if (share[i] < rows[i] && (best < 0 || frac[i] > frac[best])) {
          best = i;
        }
      }
      share[best]++;
      frac[best] = -1;
      assigned++;
    }
    return share;
  }

  public int batchSize() {
    return batchSize;
  }

  public long totalRows() {
    return total;
  }

  public long iterationsPerEpoch() {
    return iterationsPerEpoch;
  }

  /** Rows partition {@code p} contributes to each global batch. */
  public int share(int p) {
    return shares[p];
  }

  public int partitions() {
    return partitionRows.length;
  }

  /** Epoch (0-based) of 0-based iteration {@code t}. */
  public long epochOf(long t) {
    return t / iterationsPerEpoch;
  }

  /** A permutation of partition p's rows for {@code epoch}: Fisher–Yates from (seed, epoch, p). */
  public int[] permutation(int p, long epoch) {
    int n = partitionRows[p];
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, 0x5eedL, epoch, p));
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    return perm;
  }

  /**
   * Offset into {@link #permutation(int, long)} where partition p's rows for iteration t start; its
   * {@link #share(int)} rows follow, wrapping around the end of the permutation.
   */
  public int offset(int p, long t) {
    long step = t % iterationsPerEpoch;
    return (int) ((step * shares[p]) % Math.max(1, partitionRows[p]));
  }

  /** Fills {@code out[0 .. share(p))} with partition p's row indices for iteration t. */
  public void rows(int p, long t, int[] permutation, int[] out) {
    int n = partitionRows[p];
    int start = offset(p, t);
    for (int i = 0; i < shares[p]; i++) {
      out[i] = permutation[(start + i) % n];
    }
  }

  /** Seed of iteration t's random streams (dropout masks). */
  public long passSeed(long t) {
    return Seeds.derive(seed, 0xd80L, t);
  }
}
