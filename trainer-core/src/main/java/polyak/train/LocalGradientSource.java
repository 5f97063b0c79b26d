package polyak.train;

import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;

/**
 * Gradients computed in this JVM over data split into the same partitions the Spark loop would
 * have, visited in partition order: the oracle the distributed loop is tested against.
 */
public final class LocalGradientSource implements GradientSource {
  /** Rows per inference chunk: bounds the evaluation buffers. */
  public static final int EVAL_CHUNK = 1024;

  private final Network network;
  private final Dataset[] partitions;
  private final Dataset validation;
  private final MinibatchSampler sampler;
  private final int[][] permutations;
  private final int[] rows;
  private final double[] partialGradient;
  private final double[] partialStats;
  private final AdversarialGradient shareGradient;
  private final Distillation distillation;
  private long permutationEpoch = -1;

  public LocalGradientSource(Network network, Dataset[] partitions, Dataset validation, long seed, int batchSize) {
    this(network, partitions, validation, seed, batchSize, AdversarialSpec.NONE);
  }

  /** With FGSM examples and/or the gradient penalty of {@code adversarial} in every minibatch. */
  public LocalGradientSource(Network network, Dataset[] partitions, Dataset validation, long seed, int batchSize,
      AdversarialSpec adversarial) {
    this(network, partitions, validation, seed, batchSize, adversarial, null);
  }

  /** Also distilling from {@code teacher} (null: none) instead of training on the labels alone. */
  public LocalGradientSource(Network network, Dataset[] partitions, Dataset validation, long seed, int batchSize,
      AdversarialSpec adversarial, Teacher teacher) {
    this.network = network;
    this.shareGradient = new AdversarialGradient(network, adversarial);
    this.distillation = teacher == null ? null : teacher.distillation();
    this.partitions = partitions.clone();
    this.validation = validation;
    int[] sizes = new int[partitions.length];
    int maxShare = 0;
    for (int p = 0; p < partitions.length; p++) {
      network.checkCompatible(partitions[p]);
      sizes[p] = partitions[p].rows();
    }
    if (validation != null) {
      network.checkCompatible(validation);
    }
    this.sampler = new MinibatchSampler(seed, sizes, batchSize);
    for (int p = 0; p < partitions.length; p++) {
      maxShare = Math.max(maxShare, sampler.share(p));
    }
    this.permutations = new int[partitions.length][];
    this.rows = new int[maxShare];
    this.partialGradient = new double[network.parameterCount()];
    this.partialStats = new double[network.stateSize()];
  }

  public MinibatchSampler sampler() {
    return sampler;
  }

  @Override
  public BatchResult gradient(long t, double[] params, double[] normState, double[] gradientSum,
      double[] normStatsSum) {
    long epoch = sampler.epochOf(t);
    if (epoch != permutationEpoch) {
      for (int p = 0; p < partitions.length; p++) {
        permutations[p] = sampler.permutation(p, epoch);
      }
      permutationEpoch = epoch;
    }
    BatchResult total = BatchResult.EMPTY;
    for (int p = 0; p < partitions.length; p++) {
      int share = sampler.share(p);
      if (share == 0) {
        continue;
      }
      sampler.rows(p, t, permutations[p], rows);
      java.util.Arrays.fill(partialGradient, 0.0);
      java.util.Arrays.fill(partialStats, 0.0);
      total = total.plus(distillation != null
          ? distillation.gradient(network, params, normState, partitions[p], rows, 0, share, sampler.passSeed(t),
              partialGradient, partialStats)
          : shareGradient.gradient(params, normState, partitions[p], rows, 0, share, sampler.passSeed(t),
              partialGradient, partialStats));
      addInto(gradientSum, partialGradient);
      addInto(normStatsSum, partialStats);
    }
    return total;
  }

  @Override
  public BatchResult fullGradient(double[] params, double[] normState, double[] gradientSum, double[] normStatsSum) {
    BatchResult total = BatchResult.EMPTY;
    for (Dataset partition : partitions) {
      java.util.Arrays.fill(partialGradient, 0.0);
      java.util.Arrays.fill(partialStats, 0.0);
      for (int from = 0; from < partition.rows(); from += EVAL_CHUNK) {
        int n = Math.min(EVAL_CHUNK, partition.rows() - from);
        total = total.plus(distillation != null
            ? distillation.gradient(network, params, normState, partition, null, from, n, sampler.passSeed(0),
                partialGradient, partialStats)
            : shareGradient.gradient(params, normState, partition, null, from, n, sampler.passSeed(0),
                partialGradient, partialStats));
      }
      addInto(gradientSum, partialGradient);
      addInto(normStatsSum, partialStats);
    }
    return total;
  }

  /**
   * Each partition's sums are formed on their own and added in partition order, exactly as the
   * Spark driver adds executor results, so both produce the same bits.
   */
  public static void addInto(double[] sum, double[] part) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += part[i];
    }
  }

  @Override
  public BatchResult evaluate(double[] params, double[] normState) {
    return evaluate(network, params, normState, validation);
  }

  /** Inference loss and accuracy over all of {@code data}, in chunks. */
  public static BatchResult evaluate(Network network, double[] params, double[] normState, Dataset data) {
    if (data == null) {
      return BatchResult.EMPTY;
    }
    BatchResult total = BatchResult.EMPTY;
    for (int from = 0; from < data.rows(); from += EVAL_CHUNK) {
      total = total.plus(network.evaluate(params, normState, data, from, Math.min(EVAL_CHUNK, data.rows() - from)));
    }
    return total;
  }

  @Override
  public long iterationsPerEpoch() {
    return sampler.iterationsPerEpoch();
  }
}
