package polyak.spark.train;

import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import polyak.data.Dataset;
import polyak.train.GradientResult;

/**
 * Bench only ({@code polyak bench scale --cluster-workers}): one iteration of a {@link
 * SparkGradientSource} with the executors' compute switched off. Each task fetches the broadcast θ,
 * as a gradient task does, and returns a gradient of θ's full size without running the network; the
 * job, the aggregation mode and the timing are the source's own. What remains of an iteration is
 * its communication: broadcast, scheduling, results or shuffle, the driver's sums.
 *
 * <p>The returned values are fixed pseudo-random numbers, not zeros: Spark compresses shuffle
 * blocks (LZ4), which shrinks a vector of zeros to almost nothing — a real gradient's doubles do
 * not compress, and the sharded mode's shuffle must carry as many bytes as in training.
 */
public final class CommunicationOnly {
  private CommunicationOnly() {}

  public static GradientResult gradient(
      SparkGradientSource source,
      long t,
      double[] params,
      double[] normState,
      double[] gradientSum,
      double[] normStatsSum) {
    return source.gradient(t, NoComputeGradient::new, params, normState, gradientSum, normStatsSum);
  }

  /** The values every task returns for a gradient of {@code n} values. */
  static double[] payload(int n) {
    double[] v = cached;
    if (v == null || v.length != n) {
      v = new double[n];
      SplittableRandom rng = new SplittableRandom(n);
      for (int i = 0; i < n; i++) {
        v[i] = rng.nextDouble() - 0.5;
      }
      cached = v;
    }
    return v;
  }

  // One per executor JVM, built by its first task: afterwards a task costs no compute. Sharing the
  // array is safe: a task's result is always serialized (also in local mode), never mutated.
  private static volatile double[] cached;

  /** The executor side: {@link #payload} of θ's size, zero batch-norm sums, no examples. */
  static final class NoComputeGradient
      implements Function2<Integer, Iterator<Dataset>, Iterator<PartialGradient>> {
    private final Broadcast<ModelBroadcast> model;

    NoComputeGradient(Broadcast<ModelBroadcast> model) {
      this.model = model;
    }

    @Override
    public Iterator<PartialGradient> call(Integer partition, Iterator<Dataset> rows) {
      ModelBroadcast m = model.value();
      long start = System.nanoTime();
      double[] g = payload(m.params().length);
      PartialGradient result =
          new PartialGradient(
              partition, g, new double[m.normState().length], 0, 0, 0, System.nanoTime() - start);
      return List.of(result).iterator();
    }
  }
}
