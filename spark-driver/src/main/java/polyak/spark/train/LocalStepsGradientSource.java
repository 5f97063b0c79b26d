package polyak.spark.train;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.nn.kernel.DenseKernels;
import polyak.train.AdversarialGradient;
import polyak.train.AdversarialSpec;
import polyak.train.GradientResult;
import polyak.train.GradientSource;
import polyak.train.MinibatchSampler;

/**
 * Low-communication training (local SGD; the outer step as in DiLoCo): each outer iteration t,
 * every executor starts from the broadcast θ and takes {@code k} plain SGD steps of rate η on its
 * shares of the next k minibatches of the epoch (θ_p ← θ_p − η·g_pj/n_p), and returns the sum of
 * the gradients along its own trajectory, G_p = Σ_j g_pj. The driver adds the G_p in partition
 * order and its configured optimizer steps on their sum divided by k·N — the "pseudo-gradient":
 * with outer SGD of rate k·η that step is the example-weighted average of the executors' parameter
 * changes (local SGD with plain averaging); momentum or Adam make it an outer optimizer on the
 * averaged change. One synchronisation per k minibatches.
 *
 * <p>An outer epoch is ⌈M/k⌉ outer iterations for M minibatches per epoch: outer iteration s of
 * epoch e runs minibatches e·M + s·k … of that epoch, and the last one runs the remaining r = M −
 * s·k ≤ k as a shorter round of r local steps, so every minibatch of the epoch is used exactly
 * once. A shorter round's G_p are scaled by r/k, so its pseudo-gradient is still the trajectory's
 * sum over k·N examples and outer SGD of rate k·η is still the average of the r-step changes; its
 * loss, counts and batch-norm sums are those of its r·N examples.
 *
 * <p>k = 1 is synchronous training exactly: G_p is then the partition's gradient sum bit for bit,
 * and everything after is the synchronous loop. Batch-norm sums and losses are summed over the
 * round's steps (the driver's running statistics see all its examples). Inner steps have no FGSM,
 * penalty, distillation or threads; regularisation, clipping and the schedule apply to the outer
 * step.
 */
public final class LocalStepsGradientSource implements GradientSource {
  private final SparkGradientSource synchronous;
  private final String specText;
  private final String kernel;
  private final long seed;
  private final int[] partitionRows;
  private final int batchSize;
  private final int k;
  private final double rate;

  /**
   * @param synchronous the Spark source over the same data, seed and batch (its broadcast,
   *     aggregation and validation are used)
   * @param k local steps per synchronisation (≥ 1)
   * @param rate η, the executors' SGD rate
   */
  public LocalStepsGradientSource(
      SparkGradientSource synchronous,
      Network network,
      long seed,
      int[] partitionRows,
      int batchSize,
      int k,
      double rate) {
    if (k < 1) {
      throw new IllegalArgumentException("local steps must be at least 1, got " + k);
    }
    this.synchronous = synchronous;
    this.specText = network.spec().text();
    this.kernel = DenseKernels.name();
    this.seed = seed;
    this.partitionRows = partitionRows.clone();
    this.batchSize = batchSize;
    this.k = k;
    this.rate = rate;
  }

  @Override
  public long iterationsPerEpoch() {
    return outerPerEpoch(synchronous.iterationsPerEpoch(), k);
  }

  /** Outer iterations per epoch of {@code minibatches}: ⌈minibatches/k⌉, the last maybe shorter. */
  static long outerPerEpoch(long minibatches, int k) {
    return (minibatches + k - 1) / k;
  }

  /** The first minibatch (global 0-based index) outer iteration {@code t} runs. */
  static long firstMinibatch(long t, long minibatches, int k) {
    long perEpoch = outerPerEpoch(minibatches, k);
    return (t / perEpoch) * minibatches + (t % perEpoch) * k;
  }

  /** How many minibatches (local steps) outer iteration {@code t} runs: k, or fewer at the end. */
  static int stepsOf(long t, long minibatches, int k) {
    long s = t % outerPerEpoch(minibatches, k);
    return (int) Math.min(k, minibatches - s * k);
  }

  @Override
  public GradientResult gradient(
      long t, double[] params, double[] normState, double[] gradientSum, double[] normStatsSum) {
    return synchronous.gradient(
        t,
        b -> new LocalSteps(b, specText, kernel, seed, partitionRows, batchSize, t, k, rate),
        params,
        normState,
        gradientSum,
        normStatsSum);
  }

  @Override
  public BatchResult fullGradient(
      double[] params, double[] normState, double[] gradientSum, double[] normStatsSum) {
    return synchronous.fullGradient(params, normState, gradientSum, normStatsSum);
  }

  @Override
  public BatchResult evaluate(double[] params, double[] normState) {
    return synchronous.evaluate(params, normState);
  }

  /**
   * The executor side: k SGD steps (fewer in an epoch's last round) from the broadcast θ on this
   * partition's shares.
   */
  static final class LocalSteps
      implements Function2<Integer, Iterator<Dataset>, Iterator<PartialGradient>> {
    private final Broadcast<ModelBroadcast> model;
    private final String specText;
    private final String kernel;
    private final long seed;
    private final int[] partitionRows;
    private final int batchSize;
    private final long t;
    private final int k;
    private final double rate;

    LocalSteps(
        Broadcast<ModelBroadcast> model,
        String specText,
        String kernel,
        long seed,
        int[] partitionRows,
        int batchSize,
        long t,
        int k,
        double rate) {
      this.model = model;
      this.specText = specText;
      this.kernel = kernel;
      this.seed = seed;
      this.partitionRows = partitionRows;
      this.batchSize = batchSize;
      this.t = t;
      this.k = k;
      this.rate = rate;
    }

    @Override
    public Iterator<PartialGradient> call(Integer partition, Iterator<Dataset> blocks) {
      long start = System.nanoTime();
      Network network = ExecutorNetworks.network(specText, kernel);
      MinibatchSampler sampler = new MinibatchSampler(seed, partitionRows, batchSize);
      ModelBroadcast m = model.value();
      double[] sum = new double[network.parameterCount()];
      double[] stats = new double[network.stateSize()];
      BatchResult result = BatchResult.EMPTY;
      int share = sampler.share(partition);
      if (blocks.hasNext() && share > 0) {
        Dataset block = blocks.next();
        AdversarialGradient gradient = new AdversarialGradient(network, AdversarialSpec.NONE);
        double[] theta = m.params().clone();
        double[] g = new double[sum.length];
        int[] rows = new int[share];
        double step = rate / share;
        long first = firstMinibatch(t, sampler.iterationsPerEpoch(), k);
        int steps = stepsOf(t, sampler.iterationsPerEpoch(), k);
        for (int j = 0; j < steps; j++) {
          long inner = first + j;
          int[] perm =
              ExecutorNetworks.permutation(
                  sampler, seed, partition, partitionRows[partition], sampler.epochOf(inner));
          sampler.rows(partition, inner, perm, rows);
          java.util.Arrays.fill(g, 0.0);
          result =
              result.plus(
                  gradient.gradient(
                      theta,
                      m.normState(),
                      block,
                      rows,
                      0,
                      share,
                      sampler.passSeed(inner),
                      g,
                      stats));
          for (int i = 0; i < sum.length; i++) {
            sum[i] += g[i];
          }
          if (j < steps - 1) {
            for (int i = 0; i < theta.length; i++) {
              theta[i] -= step * g[i];
            }
          }
        }
        if (steps < k) {
          // a shorter round: the driver divides by its r·N examples, the pseudo-gradient by k·N
          double scale = (double) steps / k;
          for (int i = 0; i < sum.length; i++) {
            sum[i] *= scale;
          }
        }
      }
      return List.of(
              new PartialGradient(
                  partition,
                  sum,
                  stats,
                  result.lossSum(),
                  result.correct(),
                  result.count(),
                  System.nanoTime() - start))
          .iterator();
    }
  }
}
