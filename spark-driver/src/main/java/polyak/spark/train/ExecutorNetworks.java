package polyak.spark.train;

import java.util.HashMap;
import java.util.Map;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.nn.kernel.DenseKernels;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.MinibatchSampler;

/**
 * One {@link Network} (with its work buffers) per executor thread and spec, reused across
 * iterations: building buffers every task would allocate per iteration what is only needed once.
 */
final class ExecutorNetworks {
  private static final ThreadLocal<Map<String, Network>> NETWORKS =
      ThreadLocal.withInitial(HashMap::new);
  private static final ThreadLocal<Map<String, CachedPermutation>> PERMUTATIONS =
      ThreadLocal.withInitial(HashMap::new);

  private ExecutorNetworks() {}

  /**
   * The network for {@code specText} whose dense layers use the driver's kernel, {@code kernel}.
   */
  static Network network(String specText, String kernel) {
    return network(specText, kernel, Precision.FLOAT64);
  }

  /** {@link #network(String, String)} with training passes in {@code precision}. */
  static Network network(String specText, String kernel, Precision precision) {
    return NETWORKS
        .get()
        .computeIfAbsent(
            precision + "\n" + kernel + "\n" + specText,
            k -> Network.build(parse(specText), DenseKernels.named(kernel), precision));
  }

  static NetworkSpec parse(String specText) {
    return SpecParser.network("broadcast network spec", specText);
  }

  /**
   * The permutation of a partition's rows for an epoch, kept per thread for the partition's latest
   * epoch. A permutation depends only on (seed, epoch, partition, rows), hence the key.
   */
  static int[] permutation(
      MinibatchSampler sampler, long seed, int partition, int rows, long epoch) {
    String key = seed + "/" + partition + "/" + rows;
    CachedPermutation cached = PERMUTATIONS.get().get(key);
    if (cached == null || cached.epoch() != epoch) {
      cached = new CachedPermutation(epoch, sampler.permutation(partition, epoch));
      PERMUTATIONS.get().put(key, cached);
    }
    return cached.rows();
  }

  private record CachedPermutation(long epoch, int[] rows) {}
}
