package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import polyak.data.Dataset;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.SparkTestSession;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.LocalTrainer;
import polyak.train.Teacher;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;

/**
 * Distillation with the teacher's distribution computed on the executors (teacher parameters
 * broadcast once): the Spark loop ends at LocalTrainer's parameters bit for bit.
 */
class DistillationDistributedEqualsLocalTest {
  static final NetworkSpec TEACHER =
      SpecParser.network(
          "teacher",
          """
      input 12
      dense 24
      relu
      dense 4
      loss softmax_ce
      """);

  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("distillation-distributed-equals-local");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {1, 3})
  void tenIterationsEndAtLocalTrainersParameters(int partitions) {
    Dataset[] blocks =
        DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), partitions);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withEpochs(100)
            .withMaxIterations(10)
            .withOptimizer(OptimizerSpec.defaults("adam"))
            .withLearningRate(ScheduleSpec.constant(0.01));
    TrainResult teacherRun =
        new LocalTrainer(TEACHER, config.withMaxIterations(30))
            .train(blocks, null, TrainingListener.NONE);
    Teacher teacher = new Teacher(TEACHER, teacherRun.parameters(), new double[0], 0.3, 3.0);

    TrainResult local =
        new LocalTrainer(DistributedEqualsLocalTest.SPEC, config, teacher)
            .train(blocks, null, TrainingListener.NONE);
    TrainResult distributed =
        new SparkTrainer(sc, DistributedEqualsLocalTest.SPEC, config, 1, teacher)
            .train(
                sc.parallelize(new ArrayList<>(List.of(blocks)), partitions).cache(),
                DistributedEqualsLocalTest.sizes(blocks),
                null,
                TrainingListener.NONE);
    assertArrayEquals(local.state().parameters(), distributed.state().parameters());

    TrainResult plain =
        new LocalTrainer(DistributedEqualsLocalTest.SPEC, config)
            .train(blocks, null, TrainingListener.NONE);
    assertTrue(
        java.util.Arrays.compare(plain.state().parameters(), local.state().parameters()) != 0,
        "the teacher changed nothing");
  }

  /** A two-member ensemble as the teacher (its members' vectors one after another). */
  @org.junit.jupiter.api.Test
  void anEnsembleTeacherEndsAtLocalTrainersParameters() {
    Dataset[] blocks = DistributedEqualsLocalTest.split(DistributedEqualsLocalTest.data(), 3);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withEpochs(100)
            .withMaxIterations(10)
            .withOptimizer(OptimizerSpec.defaults("adam"))
            .withLearningRate(ScheduleSpec.constant(0.01));
    double[] a =
        new LocalTrainer(TEACHER, config.withMaxIterations(30))
            .train(blocks, null, TrainingListener.NONE)
            .parameters();
    double[] b =
        new LocalTrainer(TEACHER, config.withMaxIterations(30).withSeed(5))
            .train(blocks, null, TrainingListener.NONE)
            .parameters();
    double[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    Teacher ensemble = new Teacher(TEACHER, both, new double[0], 0.3, 3.0);

    TrainResult local =
        new LocalTrainer(DistributedEqualsLocalTest.SPEC, config, ensemble)
            .train(blocks, null, TrainingListener.NONE);
    TrainResult distributed =
        new SparkTrainer(sc, DistributedEqualsLocalTest.SPEC, config, 1, ensemble)
            .train(
                sc.parallelize(new ArrayList<>(List.of(blocks)), 3).cache(),
                DistributedEqualsLocalTest.sizes(blocks),
                null,
                TrainingListener.NONE);
    assertArrayEquals(local.state().parameters(), distributed.state().parameters());

    TrainResult fromA =
        new LocalTrainer(
                DistributedEqualsLocalTest.SPEC,
                config,
                new Teacher(TEACHER, a, new double[0], 0.3, 3.0))
            .train(blocks, null, TrainingListener.NONE);
    assertTrue(
        java.util.Arrays.compare(fromA.state().parameters(), local.state().parameters()) != 0,
        "the second member changed nothing");
  }
}
