package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.SparkTestSession;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.AdversarialSpec;
import polyak.train.LocalGradientSource;
import polyak.train.LocalTrainer;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;

/**
 * FGSM examples and the gradient penalty are computed on the executors from the broadcast
 * parameters: the Spark loop must still end at LocalTrainer's parameters bit for bit (depth-1
 * aggregation), on a network with batch norm and dropout, whose passes depend on the pass seed and
 * the partition's batch.
 */
class AdversarialDistributedEqualsLocalTest {
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
      groupnorm 5
      relu
      dense 4
      loss softmax_ce
      """);

  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("adversarial-distributed-equals-local");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static JavaRDD<Dataset> rdd(Dataset[] blocks) {
    return sc.parallelize(new ArrayList<>(List.of(blocks)), blocks.length).cache();
  }

  @ParameterizedTest(name = "{0} partitions, fgsm {1}/{2}, penalty {3}")
  @CsvSource({"3, 0.1, 0.5, 0", "3, 0, 0.5, 0.3", "2, 0.05, 1.0, 0.3"})
  void tenIterationsEndAtLocalTrainersParameters(
      int partitions, double eps, double fraction, double penalty) {
    Dataset[] blocks =
        DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), partitions);
    AdversarialSpec adversarial = new AdversarialSpec(eps, fraction, penalty, 0.01);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withEpochs(100)
            .withMaxIterations(10)
            .withOptimizer(OptimizerSpec.defaults("adam"))
            .withLearningRate(ScheduleSpec.constant(0.01))
            .withAdversarial(adversarial);

    TrainResult local = new LocalTrainer(SPEC, config).train(blocks, null, TrainingListener.NONE);
    TrainResult distributed =
        new SparkTrainer(sc, SPEC, config, 1)
            .train(
                rdd(blocks), DistributedEqualsLocalTest.sizes(blocks), null, TrainingListener.NONE);

    assertEquals(10, distributed.state().step());
    assertArrayEquals(local.state().parameters(), distributed.state().parameters());
    assertArrayEquals(local.state().normState(), distributed.state().normState());

    // and the adversarial terms did change the run
    TrainResult plain =
        new LocalTrainer(SPEC, config.withAdversarial(AdversarialSpec.NONE))
            .train(blocks, null, TrainingListener.NONE);
    assertTrue(
        java.util.Arrays.compare(plain.state().parameters(), local.state().parameters()) != 0);
  }

  /**
   * One minibatch gradient (full-batch path too): same bits from the executors as from the oracle.
   */
  @ParameterizedTest(name = "{0} partitions")
  @CsvSource({"3"})
  void fullBatchGradientEqualsLocal(int partitions) {
    Dataset[] blocks =
        DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), partitions);
    AdversarialSpec adversarial = new AdversarialSpec(0.1, 0.5, 0.2, 0.01);
    Network network = Network.build(SPEC);
    double[] params = new double[network.parameterCount()];
    double[] state = new double[network.stateSize()];
    network.initialise(3, params, state);
    LocalGradientSource local = new LocalGradientSource(network, blocks, null, 42, 64, adversarial);
    double[] expected = new double[params.length];
    double[] expectedStats = new double[state.length];
    var lr = local.fullGradient(params, state, expected, expectedStats);
    SparkGradientSource source =
        new SparkGradientSource(
            sc,
            Network.build(SPEC),
            rdd(blocks),
            DistributedEqualsLocalTest.sizes(blocks),
            null,
            42,
            64,
            1,
            adversarial);
    double[] actual = new double[params.length];
    double[] actualStats = new double[state.length];
    var sr = source.fullGradient(params, state, actual, actualStats);
    source.close();
    assertEquals(lr, sr);
    assertArrayEquals(expected, actual);
    assertArrayEquals(expectedStats, actualStats);
  }
}
