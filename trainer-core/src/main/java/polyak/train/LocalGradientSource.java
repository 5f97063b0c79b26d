package polyak.train;

import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Inference;
import polyak.nn.Network;
import polyak.nn.Precision;

/**
 * Gradients computed in this JVM over data split into the same partitions the Spark loop would
 * have, visited in partition order: the oracle the distributed loop is tested against. In a {@link
 * Precision#FLOAT32} network the gradient is taken at θ rounded to float32 (what the executors
 * receive) and each partition's sum is rounded to float32 (what they send back) before the sums are
 * added in float64.
 */
public final class LocalGradientSource implements GradientSource {
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
  private final ThreadSlices slices;
  private final Precision precision;
  private final double[] roundedParams;
  private long permutationEpoch = -1;

  public LocalGradientSource(
      Network network, Dataset[] partitions, Dataset validation, long seed, int batchSize) {
    this(network, partitions, validation, seed, batchSize, AdversarialSpec.NONE);
  }

  /** With FGSM examples and/or the gradient penalty of {@code adversarial} in every minibatch. */
  public LocalGradientSource(
      Network network,
      Dataset[] partitions,
      Dataset validation,
      long seed,
      int batchSize,
      AdversarialSpec adversarial) {
    this(network, partitions, validation, seed, batchSize, adversarial, null);
  }

  /** Also distilling from {@code teacher} (null: none) instead of training on the labels alone. */
  public LocalGradientSource(
      Network network,
      Dataset[] partitions,
      Dataset validation,
      long seed,
      int batchSize,
      AdversarialSpec adversarial,
      Teacher teacher) {
    this(network, partitions, validation, seed, batchSize, adversarial, teacher, 1);
  }

  /**
   * With each partition's share split into {@code threadsPerTask} slices ({@link ThreadSlices}),
   * computed one after another here as the threads of a Spark task compute them side by side.
   */
  public LocalGradientSource(
      Network network,
      Dataset[] partitions,
      Dataset validation,
      long seed,
      int batchSize,
      AdversarialSpec adversarial,
      Teacher teacher,
      int threadsPerTask) {
    this.network = network;
    this.precision = network.precision();
    this.roundedParams =
        precision == Precision.FLOAT64 ? null : new double[network.parameterCount()];
    this.slices = new ThreadSlices(threadsPerTask, network.parameterCount(), network.stateSize());
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

  /** θ as the executors would receive it: rounded to the network's precision. */
  private double[] atPrecision(double[] params) {
    if (roundedParams == null) {
      return params;
    }
    precision.round(params, roundedParams);
    return roundedParams;
  }

  @Override
  public GradientResult gradient(
      long t,
      double[] masterParams,
      double[] normState,
      double[] gradientSum,
      double[] normStatsSum) {
    double[] params = atPrecision(masterParams);
    long epoch = sampler.epochOf(t);
    if (epoch != permutationEpoch) {
      for (int p = 0; p < partitions.length; p++) {
        permutations[p] = sampler.permutation(p, epoch);
      }
      permutationEpoch = epoch;
    }
    BatchResult total = BatchResult.EMPTY;
    ShareNorms shares = new ShareNorms();
    for (int p = 0; p < partitions.length; p++) {
      int share = sampler.share(p);
      if (share == 0) {
        continue;
      }
      sampler.rows(p, t, permutations[p], rows);
      java.util.Arrays.fill(partialGradient, 0.0);
      java.util.Arrays.fill(partialStats, 0.0);
      Dataset data = partitions[p];
      long passSeed = sampler.passSeed(t);
      BatchResult part =
          slices.gradient(
              share,
              (k, from, count, grad, stats) ->
                  distillation != null
                      ? distillation.gradient(
                          network, params, normState, data, rows, from, count, passSeed, grad,
                          stats)
                      : shareGradient.gradient(
                          params, normState, data, rows, from, count, passSeed, grad, stats),
              null,
              partialGradient,
              partialStats);
      total = total.plus(part);
      precision.round(partialGradient);
      shares.add(partialGradient, part.count());
      PartitionSums.addInto(gradientSum, partialGradient);
      PartitionSums.addInto(normStatsSum, partialStats);
    }
    return new GradientResult(total, null, shares);
  }

  @Override
  public BatchResult fullGradient(
      double[] masterParams, double[] normState, double[] gradientSum, double[] normStatsSum) {
    double[] params = atPrecision(masterParams);
    BatchResult total = BatchResult.EMPTY;
    for (Dataset partition : partitions) {
      java.util.Arrays.fill(partialGradient, 0.0);
      java.util.Arrays.fill(partialStats, 0.0);
      long passSeed = sampler.passSeed(0);
      for (int from = 0; from < partition.rows(); from += Inference.CHUNK) {
        int n = Math.min(Inference.CHUNK, partition.rows() - from);
        int chunk = from;
        total =
            total.plus(
                slices.gradient(
                    n,
                    (k, f, count, grad, stats) ->
                        distillation != null
                            ? distillation.gradient(
                                network, params, normState, partition, null, chunk + f, count,
                                passSeed, grad, stats)
                            : shareGradient.gradient(
                                params, normState, partition, null, chunk + f, count, passSeed,
                                grad, stats),
                    null,
                    partialGradient,
                    partialStats));
      }
      precision.round(partialGradient);
      PartitionSums.addInto(gradientSum, partialGradient);
      PartitionSums.addInto(normStatsSum, partialStats);
    }
    return total;
  }

  @Override
  public BatchResult evaluate(double[] params, double[] normState) {
    return Inference.evaluate(network, params, normState, validation);
  }

  @Override
  public long iterationsPerEpoch() {
    return sampler.iterationsPerEpoch();
  }
}
