package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
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
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.spark.PolyakKryoRegistrator;
import polyak.train.AdversarialSpec;
import polyak.train.StepReport;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * spark.long_lived_tasks: one barrier job whose tasks exchange θ and gradients with the driver over
 * sockets must end at the oracle's parameters bit for bit (as the per-iteration jobs do), evaluate
 * to the per-iteration source's numbers without a Spark job, and fail with one clear line (not
 * hang) when its tasks are killed or cannot all start.
 */
class LongLivedTasksEqualLocalTest {
  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    // four slots: up to four long-lived tasks at once
    spark =
        SparkSession.builder()
            .master("local[4]")
            .appName("long-lived-tasks-equal-local")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .config("spark.kryo.registrator", PolyakKryoRegistrator.class.getName())
            .config("spark.kryo.registrationRequired", "true")
            .getOrCreate();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static JavaRDD<Dataset> rdd(Dataset[] blocks) {
    return sc.parallelize(new ArrayList<>(List.of(blocks)), blocks.length).cache();
  }

  static SparkTrainer trainer(TrainingConfig config, int threads, Precision precision) {
    return new SparkTrainer(sc, ThreadedTasksEqualLocalTest.SPEC, config, 1, null, threads)
        .inPrecision(precision);
  }

  static TrainResult longLived(
      LongLivedGradientSource source, TrainingConfig config, TrainingListener listener) {
    try (source) {
      return TrainingLoop.run(
          TrainingState.initial(
              Network.build(ThreadedTasksEqualLocalTest.SPEC), config, source.iterationsPerEpoch()),
          source,
          listener);
    }
  }

  @ParameterizedTest(name = "{0} partitions x 2 threads, {1}")
  @CsvSource({"1, float64", "2, float64", "3, float64", "1, float32", "2, float32", "3, float32"})
  void longLivedTasksEndAtTheOraclesParameters(int partitions, String precisionName) {
    Precision precision = Precision.parse(precisionName).orElseThrow();
    TrainingConfig config = ThreadedTasksEqualLocalTest.config();
    Dataset[] blocks =
        DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), partitions);
    TrainResult local = ThreadedTasksEqualLocalTest.local(blocks, config, 2, null, precision);
    Dataset[] cached =
        precision == Precision.FLOAT32 ? ThreadedTasksEqualLocalTest.float32(blocks) : blocks;
    TrainResult distributed =
        longLived(
            trainer(config, 2, precision)
                .longLivedSource(rdd(cached), DistributedEqualsLocalTest.sizes(cached), null),
            config,
            TrainingListener.NONE);
    assertEquals(12, distributed.state().step());
    assertArrayEquals(local.state().parameters(), distributed.state().parameters());
    assertArrayEquals(local.state().normState(), distributed.state().normState());
  }

  /** FGSM examples and the gradient penalty, computed by the long-lived tasks. */
  @Test
  void adversarialTrainingEqualsOracle() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 2);
    TrainingConfig config =
        ThreadedTasksEqualLocalTest.config()
            .withAdversarial(new AdversarialSpec(0.05, 0.5, 0.3, 0.01));
    TrainResult distributed =
        longLived(
            trainer(config, 2, Precision.FLOAT64)
                .longLivedSource(rdd(blocks), DistributedEqualsLocalTest.sizes(blocks), null),
            config,
            TrainingListener.NONE);
    assertArrayEquals(
        ThreadedTasksEqualLocalTest.local(blocks, config, 2).state().parameters(),
        distributed.state().parameters());
  }

  /**
   * With every slot held by the four long-lived tasks, evaluation still runs (on the driver) and
   * gives the per-iteration source's numbers, for validation data in three partitions.
   */
  @Test
  void evaluationWithoutASparkJobEqualsThePerIterationSources() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 4);
    Dataset[] validationBlocks =
        DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 3);
    JavaRDD<Dataset> training = rdd(blocks);
    JavaRDD<Dataset> validation = rdd(validationBlocks);
    TrainingConfig config = ThreadedTasksEqualLocalTest.config();
    SparkTrainer trainer = trainer(config, 1, Precision.FLOAT64);
    int[] sizes = DistributedEqualsLocalTest.sizes(blocks);
    Network network = Network.build(ThreadedTasksEqualLocalTest.SPEC);
    double[] params = new double[network.parameterCount()];
    double[] normState = new double[network.stateSize()];
    network.initialise(9, params, normState);

    double[] moved = params.clone();
    moved[0] += 0.25;
    SparkGradientSource perIteration = trainer.source(training, sizes, validation);
    BatchResult expected = perIteration.evaluate(params, normState);
    BatchResult expectedMoved = perIteration.evaluate(moved, normState);
    double[] expectedGradient = new double[params.length];
    perIteration.gradient(2, params, normState, expectedGradient, new double[normState.length]);
    perIteration.close();
    assertFalse(expected.equals(expectedMoved));
    assertTrue(expected.count() == DistributedEqualsLocalTest.ROWS, "all rows scored");

    try (LongLivedGradientSource source = trainer.longLivedSource(training, sizes, validation)) {
      double[] gradient = new double[params.length];
      source.gradient(2, params, normState, gradient, new double[normState.length]);
      assertArrayEquals(expectedGradient, gradient);
      // the four tasks now hold all four slots: a Spark job could not run
      BatchResult evaluated =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60), () -> source.evaluate(params, normState));
      assertEquals(expected, evaluated);
      // and at other parameters (the collected blocks are reused)
      assertEquals(expectedMoved, source.evaluate(moved, normState));
    }
  }

  /** Tasks killed mid-run (the job cancelled): the next iteration fails in one line, no hang. */
  @Test
  void killedTasksFailTheIterationWithOneClearLine() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 2);
    TrainingConfig config = ThreadedTasksEqualLocalTest.config();
    LongLivedGradientSource source =
        trainer(config, 2, Precision.FLOAT32)
            .longLivedSource(
                rdd(ThreadedTasksEqualLocalTest.float32(blocks)),
                DistributedEqualsLocalTest.sizes(blocks),
                null);
    TrainingListener killAtStep3 =
        new TrainingListener() {
          @Override
          public void onStep(TrainingState s, StepReport r) {
            if (r.step() == 3) {
              sc.cancelAllJobs();
              // the cancellation is asynchronous: let it end the job before iteration 4
              long deadline = System.nanoTime() + 20_000_000_000L;
              while (sc.statusTracker().getActiveJobIds().length > 0
                  && System.nanoTime() < deadline) {
                Thread.onSpinWait();
              }
            }
          }
        };
    IllegalStateException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                assertThrows(
                    IllegalStateException.class, () -> longLived(source, config, killAtStep3)));
    String m = e.getMessage();
    assertTrue(m.startsWith("spark.long_lived_tasks: the gradient task of partition "), m);
    assertTrue(m.contains(" failed in iteration 4: "), m);
    assertTrue(m.contains("the tasks' Spark job: ") && m.contains("cancel"), m);
    assertFalse(m.contains("\n"), m);
    // the source stays failed: no second attempt on dead tasks
    IllegalStateException again =
        assertThrows(
            IllegalStateException.class,
            () -> source.gradient(4, new double[1], new double[0], new double[1], new double[0]));
    assertEquals(m, again.getMessage());
  }

  /**
   * More partitions than the local master's slots: refused when the source is made (before the run
   * writes anything), as bad input; the error says why.
   */
  @Test
  void tooFewSlotsIsRefusedWithOneClearLine() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 5);
    TrainingConfig config = ThreadedTasksEqualLocalTest.config();
    JavaRDD<Dataset> training = rdd(blocks);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                trainer(config, 1, Precision.FLOAT64)
                    .longLivedSource(training, DistributedEqualsLocalTest.sizes(blocks), null));
    String m = e.getMessage();
    assertTrue(
        m.startsWith(
            "spark.long_lived_tasks: the training data has 5 partitions but the local master has 4"
                + " task slots"),
        m);
    assertFalse(m.contains("\n"), m);
  }
}
