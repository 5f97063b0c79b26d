package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.SparkTestSession;
import polyak.train.AdversarialSpec;
import polyak.train.GradientResult;
import polyak.train.LocalGradientSource;
import polyak.train.LocalTrainer;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * Local steps: k = 1 is synchronous training bit for bit; k = 4 on one partition with outer SGD of
 * rate 4η is four sequential SGD steps of rate η (up to the order of additions); when k does not
 * divide the minibatches of an epoch, the epoch's last round runs the remaining ones, so an outer
 * epoch uses every minibatch of the epoch once.
 */
class LocalStepsGradientSourceTest {
  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("local-steps");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static LocalStepsGradientSource source(
      Dataset[] blocks, TrainingConfig config, int k, double rate) {
    int[] sizes = DistributedEqualsLocalTest.sizes(blocks);
    JavaRDD<Dataset> rdd = sc.parallelize(new ArrayList<>(List.of(blocks)), blocks.length).cache();
    Network network = Network.build(AggregationModesEqualLocalTest.SPEC);
    SparkGradientSource synchronous =
        new SparkGradientSource(
            sc,
            network,
            rdd,
            sizes,
            null,
            config.seed(),
            config.batchSize(),
            new Aggregation(Aggregation.Mode.DIRECT, 0),
            AdversarialSpec.NONE,
            null,
            1);
    return new LocalStepsGradientSource(
        synchronous, network, config.seed(), sizes, config.batchSize(), k, rate);
  }

  @Test
  void oneLocalStepIsSynchronousTrainingBitForBit() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 3);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withEpochs(100)
            .withMaxIterations(12)
            .withOptimizer(OptimizerSpec.defaults("adam"))
            .withLearningRate(ScheduleSpec.constant(0.01));
    TrainResult local =
        new LocalTrainer(AggregationModesEqualLocalTest.SPEC, config)
            .train(blocks, null, TrainingListener.NONE);
    LocalStepsGradientSource source = source(blocks, config, 1, 0.05);
    TrainResult k1 =
        TrainingLoop.run(
            TrainingState.initial(
                Network.build(AggregationModesEqualLocalTest.SPEC),
                config,
                source.iterationsPerEpoch()),
            source,
            TrainingListener.NONE);
    assertEquals(12, k1.state().step());
    assertArrayEquals(local.state().parameters(), k1.state().parameters());
    assertArrayEquals(local.state().normState(), k1.state().normState());
  }

  @Test
  void fourLocalStepsWithOuterSgdAreFourSequentialSgdSteps() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 1);
    int k = 4;
    double eta = 0.05;
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withOptimizer(OptimizerSpec.defaults("sgd"))
            .withLearningRate(ScheduleSpec.constant(k * eta));
    Network network = Network.build(AggregationModesEqualLocalTest.SPEC);
    double[] theta = new double[network.parameterCount()];
    double[] state = new double[network.stateSize()];
    network.initialise(config.seed(), theta, state);

    // the reference: four SGD steps in this JVM on minibatches 0..3
    LocalGradientSource local =
        new LocalGradientSource(network, blocks, null, config.seed(), config.batchSize());
    double[] expected = theta.clone();
    for (int j = 0; j < k; j++) {
      double[] g = new double[theta.length];
      BatchResult b = local.gradient(j, expected, state, g, new double[state.length]).batch();
      for (int i = 0; i < g.length; i++) {
        expected[i] -= eta * g[i] / b.count();
      }
    }

    LocalStepsGradientSource source = source(blocks, config, k, eta);
    double[] sum = new double[theta.length];
    GradientResult r = source.gradient(0, theta, state, sum, new double[state.length]);
    assertEquals(k * 64, r.batch().count());
    TrainingState outer =
        TrainingState.initial(
            Network.build(AggregationModesEqualLocalTest.SPEC),
            config,
            source.iterationsPerEpoch());
    assertArrayEquals(theta, outer.parameters(), "the same initial θ");
    outer.step(sum, new double[state.length], r.batch());
    double[] actual = outer.parameters();
    assertTrue(
        DistributedEqualsLocalTest.relativeDifference(expected, actual) < 1e-12,
        "relative difference " + DistributedEqualsLocalTest.relativeDifference(expected, actual));
    // and not merely one step on the first minibatch's gradient
    double[] oneStep = theta.clone();
    double[] g0 = new double[theta.length];
    BatchResult b0 = local.gradient(0, theta, state, g0, new double[state.length]).batch();
    for (int i = 0; i < g0.length; i++) {
      oneStep[i] -= k * eta * g0[i] / b0.count();
    }
    assertFalse(Arrays.equals(oneStep, actual));
    assertTrue(DistributedEqualsLocalTest.relativeDifference(oneStep, actual) > 1e-6);
  }

  /**
   * 701 rows, batch 64: 10 minibatches per epoch; k = 4 is rounds of 4, 4 and 2. With η = 0 every
   * executor stays at θ, so the rounds' losses and counts are the synchronous minibatches' at θ.
   */
  @Test
  void anOuterEpochUsesEveryMinibatchOfTheEpochOnceWhenKDoesNotDivideIt() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 3);
    int k = 4;
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withOptimizer(OptimizerSpec.defaults("sgd"))
            .withLearningRate(ScheduleSpec.constant(0.1));
    Network network = Network.build(AggregationModesEqualLocalTest.SPEC);
    double[] theta = new double[network.parameterCount()];
    double[] state = new double[network.stateSize()];
    network.initialise(config.seed(), theta, state);
    LocalGradientSource local =
        new LocalGradientSource(network, blocks, null, config.seed(), config.batchSize());
    long minibatches = local.iterationsPerEpoch();
    assertEquals(10, minibatches);

    LocalStepsGradientSource source = source(blocks, config, k, 0.0);
    assertEquals(3, source.iterationsPerEpoch());
    BatchResult outerEpoch = BatchResult.EMPTY;
    double[] lastRound = new double[theta.length];
    for (long t = 0; t < source.iterationsPerEpoch(); t++) {
      double[] sum = new double[theta.length];
      outerEpoch =
          outerEpoch.plus(source.gradient(t, theta, state, sum, new double[state.length]).batch());
      if (t == source.iterationsPerEpoch() - 1) {
        lastRound = sum;
      }
    }
    BatchResult epoch = BatchResult.EMPTY;
    double[] lastTwo = new double[theta.length];
    for (long t = 0; t < minibatches; t++) {
      double[] g = new double[theta.length];
      epoch = epoch.plus(local.gradient(t, theta, state, g, new double[state.length]).batch());
      if (t >= 8) {
        for (int i = 0; i < g.length; i++) {
          lastTwo[i] += g[i];
        }
      }
    }
    assertEquals(minibatches * 64, outerEpoch.count(), "every example of the epoch's minibatches");
    assertEquals(epoch.count(), outerEpoch.count());
    assertEquals(epoch.correct(), outerEpoch.correct());
    assertEquals(epoch.lossSum(), outerEpoch.lossSum(), 1e-12 * Math.abs(epoch.lossSum()));
    // the short round: minibatches 8 and 9, its pseudo-gradient over k·64 examples (scaled by 2/4)
    for (int i = 0; i < lastTwo.length; i++) {
      lastTwo[i] *= 0.5;
    }
    assertTrue(
        DistributedEqualsLocalTest.relativeDifference(lastTwo, lastRound) < 1e-12,
        "relative difference " + DistributedEqualsLocalTest.relativeDifference(lastTwo, lastRound));
    // and the next outer iteration starts the next epoch at its first minibatch
    double[] next = new double[theta.length];
    BatchResult nextRound =
        source.gradient(3, theta, state, next, new double[state.length]).batch();
    BatchResult firstFour = BatchResult.EMPTY;
    for (long t = minibatches; t < minibatches + k; t++) {
      firstFour =
          firstFour.plus(
              local
                  .gradient(t, theta, state, new double[theta.length], new double[state.length])
                  .batch());
    }
    assertEquals(firstFour.count(), nextRound.count());
    assertEquals(firstFour.correct(), nextRound.correct());
    assertEquals(firstFour.lossSum(), nextRound.lossSum(), 1e-12 * Math.abs(firstFour.lossSum()));
  }

  /**
   * The epoch's last, shorter round (r = 2 of k = 4) with outer SGD of rate kη is the r remaining
   * sequential SGD steps of rate η: the same averaging rule as a full round, not a step k/r too
   * large.
   */
  @Test
  void theShorterLastRoundWithOuterSgdIsTheRemainingSequentialSgdSteps() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 1);
    int k = 4;
    double eta = 0.05;
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withOptimizer(OptimizerSpec.defaults("sgd"))
            .withLearningRate(ScheduleSpec.constant(k * eta));
    Network network = Network.build(AggregationModesEqualLocalTest.SPEC);
    double[] theta = new double[network.parameterCount()];
    double[] state = new double[network.stateSize()];
    network.initialise(config.seed(), theta, state);

    // the reference: SGD steps in this JVM on the epoch's last minibatches 8 and 9
    LocalGradientSource local =
        new LocalGradientSource(network, blocks, null, config.seed(), config.batchSize());
    double[] expected = theta.clone();
    for (long j = 8; j < 10; j++) {
      double[] g = new double[theta.length];
      BatchResult b = local.gradient(j, expected, state, g, new double[state.length]).batch();
      for (int i = 0; i < g.length; i++) {
        expected[i] -= eta * g[i] / b.count();
      }
    }

    LocalStepsGradientSource source = source(blocks, config, k, eta);
    double[] sum = new double[theta.length];
    GradientResult r = source.gradient(2, theta, state, sum, new double[state.length]);
    assertEquals(2 * 64, r.batch().count());
    TrainingState outer =
        TrainingState.initial(
            Network.build(AggregationModesEqualLocalTest.SPEC),
            config,
            source.iterationsPerEpoch());
    outer.step(sum, new double[state.length], r.batch());
    double[] actual = outer.parameters();
    assertTrue(
        DistributedEqualsLocalTest.relativeDifference(expected, actual) < 1e-12,
        "relative difference " + DistributedEqualsLocalTest.relativeDifference(expected, actual));
  }

  @Test
  void outerIterationsCoverTheEpochInRoundsOfKAndTheRemainder() {
    // 58 minibatches, k = 16: rounds of 16, 16, 16 and 10, then the next epoch
    assertEquals(4, LocalStepsGradientSource.outerPerEpoch(58, 16));
    long[] first = new long[5];
    int[] steps = new int[5];
    for (int t = 0; t < 5; t++) {
      first[t] = LocalStepsGradientSource.firstMinibatch(t, 58, 16);
      steps[t] = LocalStepsGradientSource.stepsOf(t, 58, 16);
    }
    assertArrayEquals(new long[] {0, 16, 32, 48, 58}, first);
    assertArrayEquals(new int[] {16, 16, 16, 10, 16}, steps);
    // fewer minibatches than k: one round of all of them per epoch
    assertEquals(1, LocalStepsGradientSource.outerPerEpoch(3, 16));
    assertEquals(3, LocalStepsGradientSource.firstMinibatch(1, 3, 16));
    assertEquals(3, LocalStepsGradientSource.stepsOf(1, 3, 16));
    // k = 1: outer iteration t is minibatch t
    assertEquals(58, LocalStepsGradientSource.outerPerEpoch(58, 1));
    assertEquals(123, LocalStepsGradientSource.firstMinibatch(123, 58, 1));
    assertEquals(1, LocalStepsGradientSource.stepsOf(123, 58, 1));
  }
}
