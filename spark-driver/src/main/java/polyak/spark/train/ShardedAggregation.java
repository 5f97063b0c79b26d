package polyak.spark.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import polyak.nn.BatchResult;
import polyak.train.PartitionSums;
import polyak.train.ShareNorms;
import scala.Tuple2;

/**
 * Reduce-scatter through a Spark shuffle: each gradient task cuts its result into S slices of the
 * flat vector (slice s: elements [⌊n·s/S⌋, ⌊n·(s+1)/S⌋) of the gradient, likewise of the batch-norm
 * sums), keyed by s; a partitioner of S partitions sends slice s of every task to reducer s, which
 * sorts them by source partition and adds them from zero in that order — element by element the
 * same additions in the same order as the driver makes in direct mode, so the same bits — and the
 * driver receives the S slice sums: P values per iteration whatever the number of partitions.
 *
 * <p>Loss sums, counts and the squared gradient norm of each partition (for the noise scale,
 * computed on the executor over the whole vector in the order {@link ShareNorms} uses) travel with
 * slice 0 and come back per partition, added on the driver in partition order.
 *
 * <p>The slice sums are added into the driver's sums, which is exact because the training loop
 * passes them zeroed (0 + x = x for every double x, and a sum started at +0.0 is never −0.0).
 */
final class ShardedAggregation {
  private ShardedAggregation() {}

  /** What the driver gets besides the vector sums: totals in partition order. */
  record Totals(BatchResult batch, long maxComputeNanos, ShareNorms shares) {}

  /** Adds the partitions' gradients and batch-norm sums into the given (zeroed) arrays. */
  static Totals sum(
      JavaRDD<PartialGradient> partials, int slices, double[] gradientSum, double[] normStatsSum) {
    List<Tuple2<Integer, GradientSlice>> out =
        partials
            .flatMapToPair(g -> cut(g, slices))
            .groupByKey(new HashPartitioner(slices))
            .flatMapToPair(ShardedAggregation::reduce)
            .collect();
    List<GradientSlice> parts = new ArrayList<>();
    for (Tuple2<Integer, GradientSlice> t : out) {
      GradientSlice g = t._2();
      if (g.partition() == GradientSlice.SUM) {
        addAt(gradientSum, start(gradientSum.length, t._1(), slices), g.gradient());
        addAt(normStatsSum, start(normStatsSum.length, t._1(), slices), g.normStats());
      } else {
        parts.add(g);
      }
    }
    parts.sort(Comparator.comparingInt(GradientSlice::partition));
    BatchResult total = BatchResult.EMPTY;
    long maxCompute = 0;
    ShareNorms shares = new ShareNorms();
    for (GradientSlice part : parts) {
      shares.addSquaredNorm(part.squaredNorm(), part.count());
      total = total.plus(part.result());
      maxCompute = Math.max(maxCompute, part.computeNanos());
    }
    return new Totals(total, maxCompute, shares);
  }

  /** First element of slice {@code s} of {@code n} elements cut into {@code slices}. */
  static int start(int n, int s, int slices) {
    return (int) ((long) n * s / slices);
  }

  /** Executor side, in the gradient task: one partition's result as S keyed slices. */
  static Iterator<Tuple2<Integer, GradientSlice>> cut(PartialGradient g, int slices) {
    double sq = 0;
    for (double v : g.gradient()) {
      sq += v * v;
    }
    int p = g.gradient().length;
    int q = g.normStats().length;
    List<Tuple2<Integer, GradientSlice>> out = new ArrayList<>(slices);
    for (int s = 0; s < slices; s++) {
      out.add(
          new Tuple2<>(
              s,
              new GradientSlice(
                  g.partition(),
                  Arrays.copyOfRange(g.gradient(), start(p, s, slices), start(p, s + 1, slices)),
                  Arrays.copyOfRange(g.normStats(), start(q, s, slices), start(q, s + 1, slices)),
                  g.lossSum(),
                  g.correct(),
                  g.count(),
                  g.computeNanos(),
                  sq,
                  g.precision())));
    }
    return out.iterator();
  }

  /**
   * Reducer side: slice s of every partition, summed from zero in partition order; reducer 0 also
   * passes on each partition's scalars (without vectors).
   */
  static Iterator<Tuple2<Integer, GradientSlice>> reduce(
      Tuple2<Integer, Iterable<GradientSlice>> slice) {
    List<GradientSlice> list = new ArrayList<>();
    slice._2().forEach(list::add);
    list.sort(Comparator.comparingInt(GradientSlice::partition));
    double[] g = new double[list.get(0).gradient().length];
    double[] s = new double[list.get(0).normStats().length];
    for (GradientSlice part : list) {
      PartitionSums.addInto(g, part.gradient());
      PartitionSums.addInto(s, part.normStats());
    }
    List<Tuple2<Integer, GradientSlice>> out = new ArrayList<>();
    out.add(new Tuple2<>(slice._1(), new GradientSlice(GradientSlice.SUM, g, s, 0, 0, 0, 0, 0)));
    if (slice._1() == 0) {
      double[] none = new double[0];
      for (GradientSlice part : list) {
        out.add(
            new Tuple2<>(
                0,
                new GradientSlice(
                    part.partition(),
                    none,
                    none,
                    part.lossSum(),
                    part.correct(),
                    part.count(),
                    part.computeNanos(),
                    part.squaredNorm())));
      }
    }
    return out.iterator();
  }

  private static void addAt(double[] sum, int from, double[] part) {
    for (int i = 0; i < part.length; i++) {
      sum[from + i] += part[i];
    }
  }
}
