package polyak.spark.train;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import polyak.data.Dataset;
import polyak.train.GradientResult;

/**
 * Bench only ({@code polyak bench scale --cluster-workers}): one iteration of a {@link
 * SparkGradientSource} with the executors' compute switched off. Each task fetches the broadcast θ,
 * as a gradient task does, and returns a zero gradient of the full size without running the
 * network; the job, the aggregation mode and the timing are the source's own. What remains of an
 * iteration is its communication: broadcast, scheduling, results or shuffle, the driver's sums.
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
    return source.gradient(t, ZeroGradient::new, params, normState, gradientSum, normStatsSum);
  }

  /** The executor side: a zero gradient and zero batch-norm sums of θ's sizes, no examples. */
  static final class ZeroGradient
      implements Function2<Integer, Iterator<Dataset>, Iterator<PartialGradient>> {
    private final Broadcast<ModelBroadcast> model;

    ZeroGradient(Broadcast<ModelBroadcast> model) {
      this.model = model;
    }

    @Override
    public Iterator<PartialGradient> call(Integer partition, Iterator<Dataset> rows) {
      ModelBroadcast m = model.value();
      long start = System.nanoTime();
      PartialGradient zero =
          new PartialGradient(
              partition,
              new double[m.params().length],
              new double[m.normState().length],
              0,
              0,
              0,
              System.nanoTime() - start);
      return List.of(zero).iterator();
    }
  }
}
