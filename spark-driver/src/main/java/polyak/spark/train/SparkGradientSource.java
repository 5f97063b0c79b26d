package polyak.spark.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFunction;
import org.apache.spark.broadcast.Broadcast;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Inference;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.nn.kernel.DenseKernels;
import polyak.train.AdversarialGradient;
import polyak.train.AdversarialSpec;
import polyak.train.Distillation;
import polyak.train.GradientResult;
import polyak.train.GradientSource;
import polyak.train.GradientTiming;
import polyak.train.MinibatchSampler;
import polyak.train.PartitionSums;
import polyak.train.ShareNorms;
import polyak.train.Teacher;
import polyak.train.ThreadSlices;
import scala.Tuple2;

/**
 * Gradients from Spark executors. Each iteration: broadcast θ (destroying the previous broadcast);
 * every partition computes the gradient sum of its share of the global minibatch with its own
 * network; the sums come back to the driver and are added in partition order.
 *
 * <p>Why not {@code treeAggregate}: Spark merges task results in the order tasks finish, so its
 * sums differ in the last bits from run to run, and a retried task or a resumed run would not
 * reproduce the parameters. Adding results in partition order is deterministic, and costs what
 * {@code treeAggregate} at depth 1 costs (each partition's vector reaches the driver once). With
 * {@code depth = 2} partitions are first summed in fixed groups (in partition order, in a shuffle
 * stage) and the group sums in group order — a fixed tree, for many partitions. The executors use
 * the driver's dense kernel ({@link DenseKernels#named}), since BLAS implementations round
 * differently. In {@link Precision#FLOAT32} θ is broadcast rounded to float32 and each partition's
 * gradient sum returns rounded to float32 (4 bytes a value both ways), as {@link
 * polyak.train.LocalGradientSource} does; validation runs in float64 on the unrounded θ.
 */
public final class SparkGradientSource implements GradientSource {
  private final JavaSparkContext sc;
  private final JavaRDD<Dataset> training;
  private final JavaRDD<Dataset> validation;
  private final String specText;
  private final String kernel;
  private final long seed;
  private final MinibatchSampler sampler;
  private final int[] partitionRows;
  private final int batchSize;
  private final Aggregation aggregation;
  private final AdversarialSpec adversarial;
  private final TeacherTask teacher;
  private final int threadsPerTask;
  private final Precision precision;
  private Broadcast<ModelBroadcast> current;

  /**
   * @param training one {@link Dataset} block per partition, cached; block p has {@code
   *     partitionRows[p]} rows
   * @param validation blocks to evaluate on (any partitioning), or null
   */
  public SparkGradientSource(
      JavaSparkContext sc,
      Network network,
      JavaRDD<Dataset> training,
      int[] partitionRows,
      JavaRDD<Dataset> validation,
      long seed,
      int batchSize,
      int depth) {
    this(
        sc,
        network,
        training,
        partitionRows,
        validation,
        seed,
        batchSize,
        depth,
        AdversarialSpec.NONE);
  }

  /**
   * With FGSM examples and/or the gradient penalty, computed on the executors from the broadcast θ.
   */
  public SparkGradientSource(
      JavaSparkContext sc,
      Network network,
      JavaRDD<Dataset> training,
      int[] partitionRows,
      JavaRDD<Dataset> validation,
      long seed,
      int batchSize,
      int depth,
      AdversarialSpec adversarial) {
    this(
        sc,
        network,
        training,
        partitionRows,
        validation,
        seed,
        batchSize,
        Aggregation.ofDepth(depth),
        adversarial,
        null,
        1);
  }

  /**
   * With the partition sums reaching the driver as {@code aggregation} says ({@link
   * Aggregation#resolve}d here: AUTO picks by partitions × parameters); distilling from {@code
   * teacher} (null: none), whose parameters are broadcast once so each executor computes the
   * teacher's distribution for its own rows; each task splitting its partition's share over {@code
   * threadsPerTask} threads ({@link ThreadSlices}) and summing their gradients in thread order
   * before its result travels.
   */
  public SparkGradientSource(
      JavaSparkContext sc,
      Network network,
      JavaRDD<Dataset> training,
      int[] partitionRows,
      JavaRDD<Dataset> validation,
      long seed,
      int batchSize,
      Aggregation aggregation,
      AdversarialSpec adversarial,
      Teacher teacher,
      int threadsPerTask) {
    checkLayout(training, partitionRows, threadsPerTask);
    this.threadsPerTask = threadsPerTask;
    this.sc = sc;
    this.training = training;
    this.validation = validation;
    this.specText = network.spec().text();
    this.precision = network.precision();
    this.kernel = DenseKernels.name();
    this.seed = seed;
    this.partitionRows = partitionRows.clone();
    this.batchSize = batchSize;
    this.aggregation = aggregation.resolve(sc, partitionRows.length, network.parameterCount());
    this.adversarial = adversarial;
    this.teacher =
        teacher == null
            ? null
            : new TeacherTask(
                sc.broadcast(new ModelBroadcast(teacher.params().clone(), teacher.state().clone())),
                teacher.spec().text(),
                teacher.alpha(),
                teacher.temperature());
    this.sampler = new MinibatchSampler(seed, partitionRows, batchSize);
  }

  /** Refuses a block RDD whose partitions do not match their sizes, or fewer than 1 thread. */
  static void checkLayout(JavaRDD<Dataset> training, int[] partitionRows, int threadsPerTask) {
    if (threadsPerTask < 1) {
      throw new IllegalArgumentException(
          "threads per task must be at least 1, got " + threadsPerTask);
    }
    if (training.getNumPartitions() != partitionRows.length) {
      throw new IllegalArgumentException(
          "training data has "
              + training.getNumPartitions()
              + " partitions but "
              + partitionRows.length
              + " partition sizes were given");
    }
  }

  /** The aggregation this source uses (AUTO resolved). */
  public Aggregation aggregation() {
    return aggregation;
  }

  public MinibatchSampler sampler() {
    return sampler;
  }

  @Override
  public long iterationsPerEpoch() {
    return sampler.iterationsPerEpoch();
  }

  @Override
  public GradientResult gradient(
      long t, double[] params, double[] normState, double[] gradientSum, double[] normStatsSum) {
    long start = System.nanoTime();
    // one broadcast per job, destroyed when its results are in: in the delayed-gradient mode two
    // gradient jobs (and a validation job) run at once, from different driver threads
    Broadcast<ModelBroadcast> b =
        sc.broadcast(ModelBroadcast.rounded(params, normState, precision));
    long broadcastDone = System.nanoTime();
    long epoch = sampler.epochOf(t);
    sc.setJobDescription("polyak iteration " + (t + 1) + " / epoch " + (epoch + 1));
    try {
      return collect(
          new ShardGradient(
              b,
              specText,
              kernel,
              seed,
              partitionRows,
              batchSize,
              t,
              false,
              adversarial,
              teacher,
              threadsPerTask,
              precision),
          gradientSum,
          normStatsSum,
          start,
          broadcastDone);
    } finally {
      b.destroy();
    }
  }

  /**
   * One iteration's job with another executor function over the broadcast θ ({@link
   * LocalStepsGradientSource}), aggregated and timed as {@link #gradient} is.
   */
  GradientResult gradient(
      long t,
      java.util.function.Function<
              Broadcast<ModelBroadcast>,
              Function2<Integer, Iterator<Dataset>, Iterator<PartialGradient>>>
          task,
      double[] params,
      double[] normState,
      double[] gradientSum,
      double[] normStatsSum) {
    long start = System.nanoTime();
    Broadcast<ModelBroadcast> b =
        replaceCurrent(new ModelBroadcast(params.clone(), normState.clone()));
    long broadcastDone = System.nanoTime();
    sc.setJobDescription("polyak iteration " + (t + 1));
    return collect(task.apply(b), gradientSum, normStatsSum, start, broadcastDone);
  }

  @Override
  public BatchResult fullGradient(
      double[] params, double[] normState, double[] gradientSum, double[] normStatsSum) {
    long start = System.nanoTime();
    Broadcast<ModelBroadcast> b =
        replaceCurrent(ModelBroadcast.rounded(params, normState, precision));
    long broadcastDone = System.nanoTime();
    sc.setJobDescription("polyak full-batch gradient");
    return collect(
            new ShardGradient(
                b,
                specText,
                kernel,
                seed,
                partitionRows,
                batchSize,
                0,
                true,
                adversarial,
                teacher,
                threadsPerTask,
                precision),
            gradientSum,
            normStatsSum,
            start,
            broadcastDone)
        .batch();
  }

  /**
   * Runs one gradient job and adds its partition results in partition order (or a fixed tree),
   * timed.
   */
  private GradientResult collect(
      Function2<Integer, Iterator<Dataset>, Iterator<PartialGradient>> task,
      double[] gradientSum,
      double[] normStatsSum,
      long start,
      long broadcastDone) {
    JavaRDD<PartialGradient> partials = PartitionTask.map(training, task, true);
    if (aggregation.mode() == Aggregation.Mode.SHARDED) {
      ShardedAggregation.Totals t =
          ShardedAggregation.sum(partials, aggregation.slices(), gradientSum, normStatsSum);
      return result(t.batch(), t.maxComputeNanos(), t.shares(), start, broadcastDone);
    }
    List<PartialGradient> ordered =
        aggregation.mode() == Aggregation.Mode.DIRECT ? partials.collect() : groupSums(partials);
    return addInOrder(ordered, gradientSum, normStatsSum, start, broadcastDone);
  }

  /**
   * Adds {@code ordered} (partition or group results, in that order) into the sums, timed from
   * {@code start} with the model sent at {@code broadcastDone}.
   */
  static GradientResult addInOrder(
      List<PartialGradient> ordered,
      double[] gradientSum,
      double[] normStatsSum,
      long start,
      long broadcastDone) {
    BatchResult total = BatchResult.EMPTY;
    long maxCompute = 0;
    ShareNorms shares = new ShareNorms();
    for (PartialGradient part : ordered) {
      shares.add(part.gradient(), part.count());
      PartitionSums.addInto(gradientSum, part.gradient());
      PartitionSums.addInto(normStatsSum, part.normStats());
      total = total.plus(part.result());
      maxCompute = Math.max(maxCompute, part.computeNanos());
    }
    return result(total, maxCompute, shares, start, broadcastDone);
  }

  private static GradientResult result(
      BatchResult total, long maxCompute, ShareNorms shares, long start, long broadcastDone) {
    long end = System.nanoTime();
    double jobMs = (end - broadcastDone) / 1e6;
    return new GradientResult(
        total,
        new GradientTiming(
            (broadcastDone - start) / 1e6, maxCompute / 1e6, jobMs - maxCompute / 1e6, jobMs),
        shares);
  }

  /**
   * Depth 2: partitions summed in groups of ⌈√P⌉ (in partition order), groups returned in order.
   */
  private List<PartialGradient> groupSums(JavaRDD<PartialGradient> partials) {
    int p = partitionRows.length;
    int group = (int) Math.ceil(Math.sqrt(p));
    int groups = (p + group - 1) / group;
    List<Tuple2<Integer, PartialGradient>> sums =
        partials
            .mapToPair(
                (PairFunction<PartialGradient, Integer, PartialGradient>)
                    g -> new Tuple2<>(g.partition() / group, g))
            .groupByKey(groups)
            .mapValues(SparkGradientSource::sumInPartitionOrder)
            .sortByKey()
            .collect();
    List<PartialGradient> out = new ArrayList<>(sums.size());
    for (Tuple2<Integer, PartialGradient> s : sums) {
      out.add(s._2());
    }
    return out;
  }

  static PartialGradient sumInPartitionOrder(Iterable<PartialGradient> parts) {
    List<PartialGradient> list = new ArrayList<>();
    parts.forEach(list::add);
    list.sort((a, c) -> Integer.compare(a.partition(), c.partition()));
    PartialGradient first = list.get(0);
    double[] g = new double[first.gradient().length];
    double[] s = new double[first.normStats().length];
    BatchResult r = BatchResult.EMPTY;
    long compute = 0;
    for (PartialGradient part : list) {
      PartitionSums.addInto(g, part.gradient());
      PartitionSums.addInto(s, part.normStats());
      r = r.plus(part.result());
      compute = Math.max(compute, part.computeNanos());
    }
    return new PartialGradient(
        first.partition(), g, s, r.lossSum(), r.correct(), r.count(), compute);
  }

  @Override
  public BatchResult evaluate(double[] params, double[] normState) {
    if (validation == null) {
      return BatchResult.EMPTY;
    }
    // its own broadcast, as each gradient job has
    Broadcast<ModelBroadcast> b =
        sc.broadcast(new ModelBroadcast(params.clone(), normState.clone()));
    sc.setJobDescription("polyak validation");
    List<BatchResult> results;
    try {
      ShardEvaluation evaluation = new ShardEvaluation(b, specText, kernel);
      results = PartitionTask.map(validation, (i, rows) -> evaluation.call(rows), true).collect();
    } finally {
      b.destroy();
    }
    BatchResult total = BatchResult.EMPTY;
    for (BatchResult r : results) {
      total = total.plus(r);
    }
    return total;
  }

  /** Destroys the last broadcast; call when training ends. */
  public void close() {
    if (current != null) {
      current.destroy();
      current = null;
    }
    if (teacher != null) {
      teacher.model().destroy();
    }
  }

  /** Broadcasts {@code model} as the source's current broadcast, destroying the previous one. */
  private Broadcast<ModelBroadcast> replaceCurrent(ModelBroadcast model) {
    if (current != null) {
      current.destroy();
    }
    current = sc.broadcast(model);
    return current;
  }

  /** The executor side of one iteration: one partition's share of the global minibatch. */
  static final class ShardGradient
      implements Function2<Integer, Iterator<Dataset>, Iterator<PartialGradient>> {
    private final Broadcast<ModelBroadcast> model;
    private final String specText;
    private final String kernel;
    private final long seed;
    private final int[] partitionRows;
    private final int batchSize;
    private final long t;
    private final boolean allRows;
    private final AdversarialSpec adversarial;
    private final TeacherTask teacher;
    private final int threads;
    private final Precision precision;

    ShardGradient(
        Broadcast<ModelBroadcast> model,
        String specText,
        String kernel,
        long seed,
        int[] partitionRows,
        int batchSize,
        long t,
        boolean allRows,
        AdversarialSpec adversarial,
        TeacherTask teacher,
        int threads,
        Precision precision) {
      this.threads = threads;
      this.precision = precision;
      this.model = model;
      this.specText = specText;
      this.kernel = kernel;
      this.seed = seed;
      this.partitionRows = partitionRows;
      this.batchSize = batchSize;
      this.t = t;
      this.allRows = allRows;
      this.adversarial = adversarial;
      this.teacher = teacher;
    }

    @Override
    public Iterator<PartialGradient> call(Integer partition, Iterator<Dataset> blocks) {
      StragglerDrill.stallFirstAttempt(partition);
      return List.of(partial(partition, blocks.hasNext() ? blocks.next() : null, t, model.value()))
          .iterator();
    }

    /**
     * Partition {@code partition}'s gradient sum for iteration {@code t} at {@code m} over its
     * block (null: none): what a per-iteration task returns, and what a long-lived task ({@link
     * LongLivedGradientSource}) sends each iteration.
     */
    PartialGradient partial(int partition, Dataset block, long t, ModelBroadcast m) {
      long start = System.nanoTime();
      Network network = ExecutorNetworks.network(specText, kernel, precision);
      MinibatchSampler sampler = new MinibatchSampler(seed, partitionRows, batchSize);
      double[] gradient = new double[network.parameterCount()];
      double[] stats = new double[network.stateSize()];
      BatchResult result = BatchResult.EMPTY;
      int share = sampler.share(partition);
      if (allRows && block != null) {
        ThreadSlices slices = new ThreadSlices(threads, gradient.length, stats.length);
        long passSeed = sampler.passSeed(0);
        for (int from = 0; from < block.rows(); from += Inference.CHUNK) {
          int n = Math.min(Inference.CHUNK, block.rows() - from);
          int chunk = from;
          result =
              result.plus(
                  slices.gradient(
                      n,
                      (k, f, count, grad, sliceStats) ->
                          sliceGradient(
                              k, m, block, null, chunk + f, count, passSeed, grad, sliceStats),
                      threads == 1 ? null : SliceThreads.pool(),
                      gradient,
                      stats));
        }
      } else if (block != null && share > 0) {
        int[] perm =
            ExecutorNetworks.permutation(
                sampler, seed, partition, partitionRows[partition], sampler.epochOf(t));
        int[] rows = new int[share];
        sampler.rows(partition, t, perm, rows);
        long passSeed = sampler.passSeed(t);
        result =
            new ThreadSlices(threads, gradient.length, stats.length)
                .gradient(
                    share,
                    (k, from, count, grad, sliceStats) ->
                        sliceGradient(k, m, block, rows, from, count, passSeed, grad, sliceStats),
                    threads == 1 ? null : SliceThreads.pool(),
                    gradient,
                    stats);
      }
      precision.round(gradient);
      return new PartialGradient(
          partition,
          gradient,
          stats,
          result.lossSum(),
          result.correct(),
          result.count(),
          System.nanoTime() - start,
          precision);
    }

    /**
     * Slice {@code k} of the share in the thread that runs it: that thread's own networks (and
     * FGSM/distillation buffers), the broadcast θ.
     */
    private BatchResult sliceGradient(
        int k,
        ModelBroadcast m,
        Dataset block,
        int[] rows,
        int from,
        int count,
        long passSeed,
        double[] grad,
        double[] sliceStats) {
      Network network = ExecutorNetworks.network(specText, kernel, precision);
      if (teacher != null) {
        return new Distillation(
                ExecutorNetworks.network(teacher.specText(), kernel),
                teacher.model().value().params(),
                teacher.model().value().normState(),
                teacher.alpha(),
                teacher.temperature())
            .gradient(
                network,
                m.params(),
                m.normState(),
                block,
                rows,
                from,
                count,
                passSeed,
                grad,
                sliceStats);
      }
      return new AdversarialGradient(network, adversarial)
          .gradient(
              m.params(), m.normState(), block, rows, from, count, passSeed, grad, sliceStats);
    }
  }

  /** The executor side of validation: loss and correct counts over every block of a partition. */
  static final class ShardEvaluation extends ShardInference<BatchResult, Inference.Predictions> {
    ShardEvaluation(Broadcast<ModelBroadcast> model, String specText, String kernel) {
      super(model, specText, kernel, true);
    }

    @Override
    protected Inference.Predictions sink(int outputs) {
      return null;
    }

    @Override
    protected Iterator<BatchResult> result(BatchResult scored, Inference.Predictions sink) {
      return List.of(scored).iterator();
    }
  }

  /** What the executors need of the teacher: its broadcast parameters and state, spec, α and T. */
  record TeacherTask(
      Broadcast<ModelBroadcast> model, String specText, double alpha, double temperature)
      implements java.io.Serializable {}
}
