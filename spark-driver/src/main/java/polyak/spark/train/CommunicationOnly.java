package polyak.spark.train;

import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import polyak.data.Dataset;
import polyak.nn.Precision;
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
 * not compress, and the sharded mode's shuffle must carry as many bytes as in training. They are
 * rounded to the given precision and travel as a real gradient of it does (float32: 4-byte floats,
 * {@link TrainKryo}).
 *
 * <p>θ itself is broadcast in {@link #BROADCAST_PRECISION}: the job runs through {@link
 * SparkGradientSource}'s task path, which broadcasts θ unrounded as float64 whatever the source's
 * precision (the training path rounds it and sends 4-byte floats in float32).
 */
public final class CommunicationOnly {
  /** The precision θ travels in to a communication-only task (see the class comment). */
  public static final Precision BROADCAST_PRECISION = Precision.FLOAT64;

  private CommunicationOnly() {}

  /**
   * @param precision the precision of the returned gradients: the source's (its network's)
   */
  public static GradientResult gradient(
      SparkGradientSource source,
      Precision precision,
      long t,
      double[] params,
      double[] normState,
      double[] gradientSum,
      double[] normStatsSum) {
    return source.gradient(
        t, b -> new NoComputeGradient(b, precision), params, normState, gradientSum, normStatsSum);
  }

  /** The values every task returns for a gradient of {@code n} values in {@code precision}. */
  static double[] payload(int n, Precision precision) {
    Payload p = cached;
    if (p == null || p.values().length != n || p.precision() != precision) {
      double[] v = new double[n];
      SplittableRandom rng = new SplittableRandom(n);
      for (int i = 0; i < n; i++) {
        v[i] = rng.nextDouble() - 0.5;
      }
      precision.round(v);
      p = new Payload(v, precision);
      cached = p;
    }
    return p.values();
  }

  private record Payload(double[] values, Precision precision) {}

  // One per executor JVM, built by its first task: afterwards a task costs no compute. Sharing the
  // array is safe: a task's result is always serialized (also in local mode), never mutated.
  private static volatile Payload cached;

  /** The executor side: {@link #payload} of θ's size, zero batch-norm sums, no examples. */
  static final class NoComputeGradient
      implements Function2<Integer, Iterator<Dataset>, Iterator<PartialGradient>> {
    private final Broadcast<ModelBroadcast> model;
    private final Precision precision;

    NoComputeGradient(Broadcast<ModelBroadcast> model, Precision precision) {
      this.model = model;
      this.precision = precision;
    }

    @Override
    public Iterator<PartialGradient> call(Integer partition, Iterator<Dataset> rows) {
      ModelBroadcast m = model.value();
      long start = System.nanoTime();
      double[] g = payload(m.params().length, precision);
      PartialGradient result =
          new PartialGradient(
              partition,
              g,
              new double[m.normState().length],
              0,
              0,
              0,
              System.nanoTime() - start,
              precision);
      return List.of(result).iterator();
    }
  }
}
