package polyak.train;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import polyak.nn.BatchResult;

/**
 * How one partition's share of a minibatch is split over T threads. Slice k holds the share's rows
 * [⌊k·n/T⌋, ⌊(k+1)·n/T⌋) — a pure function of the share size n and T. Each slice is a batch of its
 * own (its own network and buffers; batch norm normalises over the slice, i.e. ghost batches of the
 * slice; dropout masks and FGSM choices stay keyed by example id, so they do not depend on T), and
 * the slices' sums are added in slice order. Computing the slices one after another in one thread
 * ({@link LocalGradientSource}) or side by side (the threads of one Spark task) therefore gives the
 * same bits. With T = 1 this is exactly the unsplit share. The full-batch gradient splits each of
 * its chunks the same way.
 */
public final class ThreadSlices {
  /**
   * One slice's gradient: adds the sums of the share's rows [from, from+count) into the buffers.
   */
  @FunctionalInterface
  public interface SliceGradient {
    BatchResult gradient(int slice, int from, int count, double[] grad, double[] batchStats);
  }

  private final int threads;
  private final double[][] grads;
  private final double[][] stats;

  public ThreadSlices(int threads, int parameters, int stateSize) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads per task must be at least 1, got " + threads);
    }
    this.threads = threads;
    this.grads = new double[threads][];
    this.stats = new double[threads][];
    for (int k = 1; k < threads; k++) {
      grads[k] = new double[parameters];
      stats[k] = new double[stateSize];
    }
  }

  public int threads() {
    return threads;
  }

  /** First row (within the share) of slice {@code k} of a share of {@code share} rows. */
  public static int start(int share, int threads, int k) {
    return (int) ((long) share * k / threads);
  }

  /**
   * Adds the gradient of rows [0, share) into {@code grad}/{@code batchStats}: slice 0 straight
   * into them, slices 1..T−1 into zeroed buffers of their own, which are then added in slice order.
   * {@code executor} runs slices 1..T−1 while the calling thread runs slice 0; null runs every
   * slice in the calling thread, one after another. Empty slices (a share smaller than T) are
   * skipped.
   */
  public BatchResult gradient(
      int share, SliceGradient slice, Executor executor, double[] grad, double[] batchStats) {
    @SuppressWarnings("unchecked")
    CompletableFuture<BatchResult>[] running = new CompletableFuture[threads];
    BatchResult[] results = new BatchResult[threads];
    for (int k = 1; k < threads; k++) {
      int from = start(share, threads, k);
      int count = start(share, threads, k + 1) - from;
      if (count == 0) {
        results[k] = BatchResult.EMPTY;
        continue;
      }
      Arrays.fill(grads[k], 0.0);
      Arrays.fill(stats[k], 0.0);
      int index = k;
      if (executor == null) {
        results[k] = slice.gradient(k, from, count, grads[k], stats[k]);
      } else {
        running[k] =
            CompletableFuture.supplyAsync(
                () -> slice.gradient(index, from, count, grads[index], stats[index]), executor);
      }
    }
    int first = start(share, threads, 1);
    BatchResult total =
        first == 0 ? BatchResult.EMPTY : slice.gradient(0, 0, first, grad, batchStats);
    for (int k = 1; k < threads; k++) {
      if (running[k] != null) {
        results[k] = join(running[k]);
      }
      if (start(share, threads, k + 1) == start(share, threads, k)) {
        continue;
      }
      PartitionSums.addInto(grad, grads[k]);
      PartitionSums.addInto(batchStats, stats[k]);
      total = total.plus(results[k]);
    }
    return total;
  }

  private static BatchResult join(CompletableFuture<BatchResult> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
