package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
import org.junit.jupiter.params.provider.CsvSource;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.spark.SparkTestSession;
import polyak.train.AveragingSpec;
import polyak.train.LocalGradientSource;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * The delayed-gradient mode on Spark (each gradient job behind a driver thread, overlapping the
 * step and the validation jobs) ends at its local oracle's parameters bit for bit — the oracle
 * computing each gradient when the loop submits it — also when resumed from a checkpoint.
 */
class DelayedGradientEqualsLocalTest {
  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("delayed-gradient-equals-local");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static final Dataset VALIDATION = DistributedEqualsLocalTest.data().slice(0, 100);

  /** Batch norm and dropout (ThreadedTasksEqualLocalTest's net), EMA, validation every 2 steps. */
  static TrainingConfig config(int delay, long iterations) {
    return ThreadedTasksEqualLocalTest.config()
        .withMaxIterations(iterations)
        .withEvaluation(2, 0)
        .withAveraging(new AveragingSpec(AveragingSpec.Kind.EMA, 1, 0.9))
        .withGradientDelay(delay);
  }

  static LocalGradientSource localSource(Dataset[] blocks, TrainingConfig config, int threads) {
    return localSource(blocks, config, threads, Precision.FLOAT64);
  }

  static LocalGradientSource localSource(
      Dataset[] blocks, TrainingConfig config, int threads, Precision precision) {
    return new LocalGradientSource(
        Network.build(ThreadedTasksEqualLocalTest.SPEC, precision),
        blocks,
        VALIDATION,
        config.seed(),
        config.batchSize(),
        config.adversarial(),
        null,
        threads);
  }

  static TrainResult local(Dataset[] blocks, TrainingConfig config, int threads) {
    return local(blocks, config, threads, Precision.FLOAT64);
  }

  static TrainResult local(
      Dataset[] blocks, TrainingConfig config, int threads, Precision precision) {
    LocalGradientSource source = localSource(blocks, config, threads, precision);
    return TrainingLoop.run(
        TrainingState.initial(
            Network.build(ThreadedTasksEqualLocalTest.SPEC), config, source.iterationsPerEpoch()),
        source,
        TrainingListener.NONE);
  }

  static SparkTrainer trainer(TrainingConfig config, int threads) {
    return new SparkTrainer(sc, ThreadedTasksEqualLocalTest.SPEC, config, 1, null, threads);
  }

  static JavaRDD<Dataset> rdd(Dataset[] blocks) {
    return sc.parallelize(new ArrayList<>(List.of(blocks)), blocks.length).cache();
  }

  static JavaRDD<Dataset> validation() {
    return rdd(new Dataset[] {VALIDATION});
  }

  @ParameterizedTest(name = "{0} partitions x {1} threads, prediction {2}, {3}")
  @CsvSource({
    "1, 2, false, float64",
    "2, 1, false, float64",
    "2, 1, true, float64",
    "2, 2, true, float32"
  })
  void delayedSparkLoopEqualsItsOracle(
      int partitions, int threads, boolean prediction, String precisionName) {
    Precision precision = Precision.parse(precisionName).orElseThrow();
    Dataset[] blocks =
        DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), partitions);
    TrainingConfig config = config(1, 9).withGradientPrediction(prediction);
    TrainResult local = local(blocks, config, threads, precision);
    Dataset[] cached =
        precision == Precision.FLOAT32 ? ThreadedTasksEqualLocalTest.float32(blocks) : blocks;
    TrainResult distributed =
        trainer(config, threads)
            .inPrecision(precision)
            .train(
                rdd(cached),
                DistributedEqualsLocalTest.sizes(blocks),
                validation(),
                TrainingListener.NONE);
    assertEquals(9, distributed.state().step());
    assertArrayEquals(local.state().parameters(), distributed.state().parameters());
    assertArrayEquals(local.state().normState(), distributed.state().normState());
    assertArrayEquals(local.parameters(), distributed.parameters());
    assertEquals(local.evaluations(), distributed.evaluations());

    // not the synchronous trajectory
    assertFalse(
        Arrays.equals(
            local(blocks, config(0, 9), threads, precision).state().parameters(),
            local.state().parameters()));
  }

  /** Early stopping ends the run with the next minibatch's job in flight: it is dropped. */
  @Test
  void earlyStoppingWithAJobInFlightEqualsTheOracle() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 2);
    TrainingConfig config = config(1, 40).withEvaluation(1, 1);
    TrainResult local = local(blocks, config, 1);
    TrainResult distributed =
        trainer(config, 1)
            .train(
                rdd(blocks),
                DistributedEqualsLocalTest.sizes(blocks),
                validation(),
                TrainingListener.NONE);
    assertTrue(local.stopReason().startsWith("early stopping"), local.stopReason());
    assertTrue(local.state().step() < 40);
    assertEquals(local.stopReason(), distributed.stopReason());
    assertArrayEquals(local.state().parameters(), distributed.state().parameters());
    assertArrayEquals(local.parameters(), distributed.parameters());
  }

  @Test
  void resumedDelayedSparkRunEqualsTheUninterruptedOracle() throws IOException {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 2);
    JavaRDD<Dataset> training = rdd(blocks);
    int[] sizes = DistributedEqualsLocalTest.sizes(blocks);
    TrainingState half =
        trainer(config(1, 5), 1)
            .train(training, sizes, validation(), TrainingListener.NONE)
            .state();
    ByteArrayOutputStream checkpoint = new ByteArrayOutputStream();
    half.write(new DataOutputStream(checkpoint));

    SparkTrainer rest = trainer(config(1, 10), 1);
    SparkGradientSource source = rest.source(training, sizes, validation());
    TrainingState restored = rest.initialState(source);
    restored.read(new DataInputStream(new ByteArrayInputStream(checkpoint.toByteArray())));
    TrainResult resumed = rest.resume(restored, source, TrainingListener.NONE);

    TrainResult whole = local(blocks, config(1, 10), 1);
    assertEquals(10, resumed.state().step());
    assertArrayEquals(whole.state().parameters(), resumed.state().parameters());
    assertArrayEquals(whole.state().normState(), resumed.state().normState());
    assertArrayEquals(whole.parameters(), resumed.parameters());
  }
}
