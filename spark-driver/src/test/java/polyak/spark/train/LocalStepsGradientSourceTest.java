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
 * rate 4η is four sequential SGD steps of rate η (up to the order of additions).
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
}
