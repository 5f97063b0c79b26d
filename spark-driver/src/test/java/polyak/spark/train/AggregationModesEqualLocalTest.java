package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.SparkTestSession;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.AdversarialSpec;
import polyak.train.GradientResult;
import polyak.train.LocalGradientSource;
import polyak.train.LocalTrainer;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;

/**
 * Every aggregation mode against the LocalTrainer oracle on uneven partitions, with batch norm (its
 * sums travel with the gradient) and dropout: direct and sharded (any slice count, including more
 * slices than the batch-norm sums have values) give the same bits; tree adds in another order, so
 * only the last bits may differ.
 */
class AggregationModesEqualLocalTest {
  static final NetworkSpec SPEC =
      SpecParser.network(
          "test",
          """
      input 12
      dense 16
      batchnorm
      tanh
      dropout 0.9
      dense 10
      relu
      dense 4
      loss softmax_ce
      """);

  static final List<Aggregation> BIT_IDENTICAL =
      List.of(
          new Aggregation(Aggregation.Mode.DIRECT, 0),
          new Aggregation(Aggregation.Mode.SHARDED, 1),
          new Aggregation(Aggregation.Mode.SHARDED, 3),
          new Aggregation(Aggregation.Mode.SHARDED, 40),
          new Aggregation(Aggregation.Mode.SHARDED, 0),
          new Aggregation(Aggregation.Mode.AUTO, 0));

  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("aggregation-modes-equal-local");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static JavaRDD<Dataset> rdd(Dataset[] blocks) {
    return sc.parallelize(new ArrayList<>(List.of(blocks)), blocks.length).cache();
  }

  /** Over {@code data}, the cached blocks of {@code blocks}: one RDD for every mode. */
  static SparkGradientSource source(
      JavaRDD<Dataset> data, Dataset[] blocks, Aggregation aggregation) {
    return new SparkGradientSource(
        sc,
        Network.build(SPEC),
        data,
        DistributedEqualsLocalTest.sizes(blocks),
        null,
        42,
        200,
        aggregation,
        AdversarialSpec.NONE,
        null,
        1);
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {1, 3, 8})
  void oneGradientInEveryModeEqualsTheOracle(int partitions) {
    Dataset[] blocks =
        DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), partitions);
    Network network = Network.build(SPEC);
    double[] params = new double[network.parameterCount()];
    double[] state = new double[network.stateSize()];
    network.initialise(3, params, state);
    LocalGradientSource local = new LocalGradientSource(network, blocks, null, 42, 200);
    double[] expected = new double[params.length];
    double[] expectedStats = new double[state.length];
    GradientResult oracle = local.gradient(5, params, state, expected, expectedStats);
    assertTrue(expectedStats.length > 0, "the network has batch-norm sums");
    JavaRDD<Dataset> data = rdd(blocks);

    for (Aggregation aggregation : BIT_IDENTICAL) {
      SparkGradientSource source = source(data, blocks, aggregation);
      double[] actual = new double[params.length];
      double[] actualStats = new double[state.length];
      GradientResult r = source.gradient(5, params, state, actual, actualStats);
      source.close();
      String mode = aggregation + " as " + source.aggregation().describe();
      assertArrayEquals(expected, actual, mode);
      assertArrayEquals(expectedStats, actualStats, mode);
      assertEquals(oracle.batch(), r.batch(), mode);
      assertEquals(oracle.shares().shares(), r.shares().shares(), mode);
      assertEquals(oracle.shares().weightedSquaredNorms(), r.shares().weightedSquaredNorms(), mode);
      assertTrue(r.timing().jobMs() >= r.timing().computeMs(), mode + ": " + r.timing());
    }

    SparkGradientSource tree = source(data, blocks, new Aggregation(Aggregation.Mode.TREE, 0));
    double[] actual = new double[params.length];
    double[] actualStats = new double[state.length];
    BatchResult treeResult = tree.gradient(5, params, state, actual, actualStats).batch();
    tree.close();
    assertEquals(oracle.batch().count(), treeResult.count());
    assertEquals(oracle.batch().correct(), treeResult.correct());
    assertTrue(DistributedEqualsLocalTest.relativeDifference(expected, actual) <= 1e-12);
    assertTrue(DistributedEqualsLocalTest.relativeDifference(expectedStats, actualStats) <= 1e-12);
  }

  /**
   * float32: the blocks cached in float32, θ broadcast and each partition's gradient (or its
   * slices, sharded) sent as 4-byte floats: still the oracle's bits in every bit-identical mode.
   */
  @Test
  void aFloat32GradientInEveryModeEqualsTheFloat32Oracle() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 3);
    Network network = Network.build(SPEC, Precision.FLOAT32);
    double[] params = new double[network.parameterCount()];
    double[] state = new double[network.stateSize()];
    network.initialise(3, params, state);
    double[] expected = new double[params.length];
    double[] expectedStats = new double[state.length];
    new LocalGradientSource(network, blocks, null, 42, 200)
        .gradient(5, params, state, expected, expectedStats);
    double[] float64 = new double[params.length];
    new LocalGradientSource(Network.build(SPEC), blocks, null, 42, 200)
        .gradient(5, params, state, float64, new double[state.length]);
    assertTrue(Arrays.compare(expected, float64) != 0, "float32 is not float64");
    assertTrue(DistributedEqualsLocalTest.relativeDifference(float64, expected) < 1e-4);

    Dataset[] cached = ThreadedTasksEqualLocalTest.float32(blocks);
    JavaRDD<Dataset> data = rdd(cached);
    for (Aggregation aggregation : BIT_IDENTICAL) {
      SparkGradientSource source =
          new SparkGradientSource(
              sc,
              network,
              data,
              DistributedEqualsLocalTest.sizes(blocks),
              null,
              42,
              200,
              aggregation,
              AdversarialSpec.NONE,
              null,
              2);
      double[] actual = new double[params.length];
      double[] actualStats = new double[state.length];
      source.gradient(5, params, state, actual, actualStats);
      source.close();
      // the oracle above ran one thread per partition; batch norm makes 2 threads differ, so
      // compare against the same split
      double[] expectedSplit = new double[params.length];
      double[] expectedSplitStats = new double[state.length];
      new LocalGradientSource(network, blocks, null, 42, 200, AdversarialSpec.NONE, null, 2)
          .gradient(5, params, state, expectedSplit, expectedSplitStats);
      assertArrayEquals(expectedSplit, actual, aggregation.toString());
      assertArrayEquals(expectedSplitStats, actualStats, aggregation.toString());
    }
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {3, 5})
  void fifteenAdamIterationsShardedEndAtLocalTrainersParameters(int partitions) {
    Dataset[] blocks =
        DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), partitions);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withEpochs(100)
            .withMaxIterations(15)
            .withOptimizer(OptimizerSpec.defaults("adam"))
            .withLearningRate(ScheduleSpec.constant(0.01));
    TrainResult local = new LocalTrainer(SPEC, config).train(blocks, null, TrainingListener.NONE);
    TrainResult sharded =
        new SparkTrainer(sc, SPEC, config, new Aggregation(Aggregation.Mode.SHARDED, 2), null, 1)
            .train(
                rdd(blocks), DistributedEqualsLocalTest.sizes(blocks), null, TrainingListener.NONE);
    assertEquals(15, sharded.state().step());
    assertArrayEquals(local.state().parameters(), sharded.state().parameters());
    assertArrayEquals(local.state().normState(), sharded.state().normState());
  }

  @Test
  void autoIsDirectOnALocalMasterAndShardedSlicesDefaultToItsCores() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 3);
    JavaRDD<Dataset> data = rdd(blocks);
    assertEquals(
        new Aggregation(Aggregation.Mode.DIRECT, 0),
        source(data, blocks, new Aggregation(Aggregation.Mode.AUTO, 0)).aggregation());
    assertEquals(
        new Aggregation(Aggregation.Mode.SHARDED, 2),
        source(data, blocks, new Aggregation(Aggregation.Mode.SHARDED, 0)).aggregation());
    assertEquals("sharded (2 slices)", new Aggregation(Aggregation.Mode.SHARDED, 2).describe());
  }
}
