package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.PolyakKryoRegistrator;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.AdversarialSpec;
import polyak.train.LocalGradientSource;
import polyak.train.Teacher;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * One task per partition with T threads, each on a fixed slice of the partition's share: the Spark
 * loop must still end at the oracle's parameters bit for bit when the oracle splits the shares the
 * same way, also when a task fails and is run again. The network has batch norm (over each thread
 * slice) and dropout (keyed by example), so the split is visible in the bits. In float32 (blocks
 * cached in float32, θ and partition gradients rounded on the wire) as in float64.
 */
class ThreadedTasksEqualLocalTest {
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

  static final AtomicInteger INJECTED_FAILURES = new AtomicInteger();

  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    // local[2,4]: two cores, a task may fail up to 3 times (for the retry test)
    spark =
        SparkSession.builder()
            .master("local[2,4]")
            .appName("threaded-tasks-equal-local")
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

  static TrainingConfig config() {
    return TrainingConfig.defaults()
        .withBatchSize(64)
        .withEpochs(100)
        .withMaxIterations(12)
        .withOptimizer(OptimizerSpec.defaults("adam"))
        .withLearningRate(ScheduleSpec.constant(0.01));
  }

  static TrainResult local(Dataset[] blocks, TrainingConfig config, int threads) {
    return local(blocks, config, threads, null);
  }

  static TrainResult local(Dataset[] blocks, TrainingConfig config, int threads, Teacher teacher) {
    return local(blocks, config, threads, teacher, Precision.FLOAT64);
  }

  static TrainResult local(
      Dataset[] blocks, TrainingConfig config, int threads, Teacher teacher, Precision precision) {
    LocalGradientSource source =
        new LocalGradientSource(
            Network.build(SPEC, precision),
            blocks,
            null,
            config.seed(),
            config.batchSize(),
            config.adversarial(),
            teacher,
            threads);
    return TrainingLoop.run(
        TrainingState.initial(Network.build(SPEC), config, source.iterationsPerEpoch()),
        source,
        TrainingListener.NONE);
  }

  static TrainResult spark(
      JavaRDD<Dataset> training, Dataset[] blocks, TrainingConfig config, int threads) {
    return spark(training, blocks, config, threads, Precision.FLOAT64);
  }

  static TrainResult spark(
      JavaRDD<Dataset> training,
      Dataset[] blocks,
      TrainingConfig config,
      int threads,
      Precision precision) {
    return new SparkTrainer(sc, SPEC, config, 1, null, threads)
        .inPrecision(precision)
        .train(training, DistributedEqualsLocalTest.sizes(blocks), null, TrainingListener.NONE);
  }

  /** The blocks as a float32 run caches them (features in float32). */
  static Dataset[] float32(Dataset[] blocks) {
    Dataset[] out = new Dataset[blocks.length];
    for (int i = 0; i < blocks.length; i++) {
      out[i] = blocks[i].toFloat32();
    }
    return out;
  }

  @ParameterizedTest(name = "{0} partitions x {1} threads, {2}")
  @CsvSource({
    "1, 2, float64",
    "2, 2, float64",
    "3, 2, float64",
    "2, 3, float64",
    "1, 2, float32",
    "2, 2, float32",
    "3, 2, float32"
  })
  void sparkLoopEqualsOracleWithTheSameSplit(int partitions, int threads, String precisionName) {
    Precision precision = Precision.parse(precisionName).orElseThrow();
    Dataset[] blocks =
        DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), partitions);
    TrainResult local = local(blocks, config(), threads, null, precision);
    // a float32 run caches its blocks in float32; the oracle keeps float64 rows and rounds them
    Dataset[] cached = precision == Precision.FLOAT32 ? float32(blocks) : blocks;
    TrainResult distributed = spark(rdd(cached), cached, config(), threads, precision);
    assertEquals(12, distributed.state().step());
    assertArrayEquals(local.state().parameters(), distributed.state().parameters());
    assertArrayEquals(local.state().normState(), distributed.state().normState());

    // the split is real: batch norm over thread slices is not batch norm over the whole share
    TrainResult unsplit = local(blocks, config(), 1, null, precision);
    assertTrue(Arrays.compare(unsplit.state().parameters(), local.state().parameters()) != 0);
    if (precision == Precision.FLOAT32) {
      // and float32 is real: the same run in float64 ends elsewhere (by float32 round-off)
      double[] f64 = local(blocks, config(), threads, null, Precision.FLOAT64).state().parameters();
      double[] f32 = local.state().parameters();
      assertTrue(Arrays.compare(f64, f32) != 0);
      assertTrue(DistributedEqualsLocalTest.relativeDifference(f64, f32) < 1e-3);
    }
  }

  @Test
  void adversarialExamplesWithThreadsEqualOracle() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 2);
    TrainingConfig config = config().withAdversarial(new AdversarialSpec(0.05, 0.5, 0.3, 0.01));
    assertArrayEquals(
        local(blocks, config, 2).state().parameters(),
        spark(rdd(blocks), blocks, config, 2).state().parameters());
  }

  /** Distillation: each thread computes the teacher's distribution for its own slice. */
  @Test
  void distillationWithThreadsEqualsOracle() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 3);
    Network teacherNetwork = Network.build(DistillationDistributedEqualsLocalTest.TEACHER);
    double[] teacherParams = new double[teacherNetwork.parameterCount()];
    teacherNetwork.initialise(5, teacherParams, new double[0]);
    Teacher teacher =
        new Teacher(
            DistillationDistributedEqualsLocalTest.TEACHER, teacherParams, new double[0], 0.3, 3.0);
    TrainResult distributed =
        new SparkTrainer(sc, SPEC, config(), 1, teacher, 2)
            .train(
                rdd(blocks), DistributedEqualsLocalTest.sizes(blocks), null, TrainingListener.NONE);
    assertArrayEquals(
        local(blocks, config(), 2, teacher).state().parameters(), distributed.state().parameters());
  }

  /** Full-batch L-BFGS: each chunk of a partition is split over the threads the same way. */
  @Test
  void fullBatchLbfgsWithThreadsEqualsOracle() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 2);
    TrainingConfig config =
        TrainingConfig.defaults().withOptimizer(OptimizerSpec.defaults("lbfgs")).withEpochs(3);
    TrainResult local = local(blocks, config, 2);
    TrainResult distributed = spark(rdd(blocks), blocks, config, 2);
    assertEquals(local.state().step(), distributed.state().step());
    assertArrayEquals(local.state().parameters(), distributed.state().parameters());
    assertArrayEquals(local.state().normState(), distributed.state().normState());
  }

  /** Without batch norm a slice's rows are independent: the split only reorders the sum. */
  @Test
  void withoutBatchNormTheSplitOnlyReordersTheSum() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 2);
    Network network = Network.build(DistributedEqualsLocalTest.SPEC);
    double[] params = new double[network.parameterCount()];
    network.initialise(3, params, new double[0]);
    double[] whole = new double[params.length];
    double[] split = new double[params.length];
    BatchResult a =
        new LocalGradientSource(network, blocks, null, 42, 200, AdversarialSpec.NONE, null, 1)
            .gradient(4, params, new double[0], whole, new double[0])
            .batch();
    BatchResult b =
        new LocalGradientSource(network, blocks, null, 42, 200, AdversarialSpec.NONE, null, 3)
            .gradient(4, params, new double[0], split, new double[0])
            .batch();
    assertEquals(a.count(), b.count());
    assertEquals(a.correct(), b.correct());
    assertEquals(a.lossSum(), b.lossSum(), 1e-12 * Math.abs(a.lossSum()));
    assertTrue(DistributedEqualsLocalTest.relativeDifference(whole, split) < 1e-12);
  }

  /**
   * Partition 0's first attempt fails in every iteration (its block is recomputed from an uncached
   * parent and the task retried): the parameters are still the oracle's.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"float64", "float32"})
  void retriedTasksGiveTheSameParameters(String precisionName) {
    Precision precision = Precision.parse(precisionName).orElseThrow();
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 2);
    Dataset[] cached = precision == Precision.FLOAT32 ? float32(blocks) : blocks;
    JavaRDD<Dataset> failingFirstAttempt =
        sc.parallelize(new ArrayList<>(List.of(cached)), blocks.length)
            .mapPartitionsWithIndex(
                (p, it) -> {
                  if (p == 0 && TaskContext.get().attemptNumber() == 0) {
                    INJECTED_FAILURES.incrementAndGet();
                    throw new IllegalStateException("injected failure of partition 0, attempt 0");
                  }
                  return it;
                },
                true);
    TrainingConfig config = config().withMaxIterations(4);
    int before = INJECTED_FAILURES.get();
    TrainResult distributed = spark(failingFirstAttempt, blocks, config, 2, precision);
    assertEquals(4, INJECTED_FAILURES.get() - before, "one failed attempt per iteration");
    assertArrayEquals(
        local(blocks, config, 2, null, precision).state().parameters(),
        distributed.state().parameters());
  }
}
