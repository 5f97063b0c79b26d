package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
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
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.SparkTestSession;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.GradientResult;
import polyak.train.GradientTiming;
import polyak.train.LocalGradientSource;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * LocalTrainer is the oracle: the Spark loop must reproduce it for the same partitions, seed and
 * batch.
 */
class DistributedEqualsLocalTest {
  static final NetworkSpec SPEC =
      SpecParser.network(
          "test",
          """
      input 12
      dense 16
      tanh
      dense 10
      relu
      dense 4
      loss softmax_ce smoothing=0.05
      """);
  static final int ROWS = 701;

  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("distributed-equals-local");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Dataset data() {
    SplittableRandom rng = new SplittableRandom(7);
    double[] x = new double[ROWS * 12];
    int[] y = new int[ROWS];
    for (int r = 0; r < ROWS; r++) {
      double s = 0;
      for (int j = 0; j < 12; j++) {
        x[r * 12 + j] = rng.nextGaussian();
        s += x[r * 12 + j] * (j % 3 - 1);
      }
      y[r] = (int) Math.floorMod((long) Math.floor(s), 4);
    }
    return Dataset.classification("synthetic", 12, x, y, 4, 0);
  }

  /** Uneven blocks: partition p gets a different number of rows, with consecutive global ids. */
  static Dataset[] split(Dataset all, int partitions) {
    Dataset[] blocks = new Dataset[partitions];
    int from = 0;
    for (int p = 0; p < partitions; p++) {
      int rows =
          p == partitions - 1 ? all.rows() - from : all.rows() / partitions + (p % 2 == 0 ? 3 : -3);
      blocks[p] = all.slice(from, rows);
      from += rows;
    }
    return blocks;
  }

  static int[] sizes(Dataset[] blocks) {
    return Arrays.stream(blocks).mapToInt(Dataset::rows).toArray();
  }

  static JavaRDD<Dataset> rdd(Dataset[] blocks) {
    return sc.parallelize(new ArrayList<>(List.of(blocks)), blocks.length).cache();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 8})
  void aggregatedGradientEqualsLocalFullMinibatchGradient(int partitions) {
    Dataset[] blocks = split(data(), partitions);
    Network network = Network.build(SPEC);
    TrainingConfig config = TrainingConfig.defaults().withBatchSize(200);
    double[] params = new double[network.parameterCount()];
    network.initialise(3, params, new double[0]);

    LocalGradientSource local =
        new LocalGradientSource(network, blocks, null, config.seed(), config.batchSize());
    double[] expected = new double[params.length];
    GradientResult localGradient =
        local.gradient(5, params, new double[0], expected, new double[0]);
    BatchResult localResult = localGradient.batch();
    assertNull(localGradient.timing(), "the local source does not split its time");

    for (int depth : new int[] {1, 2}) {
      SparkGradientSource spark =
          new SparkGradientSource(
              sc,
              network,
              rdd(blocks),
              sizes(blocks),
              null,
              config.seed(),
              config.batchSize(),
              depth);
      double[] actual = new double[params.length];
      GradientResult sparkGradient =
          spark.gradient(5, params, new double[0], actual, new double[0]);
      BatchResult sparkResult = sparkGradient.batch();
      GradientTiming timing = sparkGradient.timing();
      assertTrue(
          timing.computeMs() > 0 && timing.jobMs() >= timing.computeMs(), "timing " + timing);
      spark.close();
      assertEquals(200, sparkResult.count());
      assertEquals(localResult.correct(), sparkResult.correct());
      assertEquals(
          localResult.lossSum(), sparkResult.lossSum(), 1e-10 * Math.abs(localResult.lossSum()));
      assertTrue(
          relativeDifference(expected, actual) <= 1e-10,
          "depth " + depth + ": relative difference " + relativeDifference(expected, actual));
      if (depth == 1) {
        // Same per-partition sums added in the same order: not just close, the same bits.
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
        // and the per-partition norms the noise scale is estimated from
        assertEquals(localGradient.shares().shares(), sparkGradient.shares().shares());
        assertEquals(
            localGradient.shares().weightedSquaredNorms(),
            sparkGradient.shares().weightedSquaredNorms());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void fiftyAdamIterationsEndAtLocalTrainersParameters(int partitions) {
    Dataset[] blocks = split(data(), partitions);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withEpochs(100)
            .withMaxIterations(50)
            .withOptimizer(OptimizerSpec.defaults("adam"))
            .withLearningRate(ScheduleSpec.constant(0.01))
            .withEvaluation(25, 0);
    Dataset validation = data().slice(0, 100);

    LocalGradientSource localSource =
        new LocalGradientSource(
            Network.build(SPEC), blocks, validation, config.seed(), config.batchSize());
    TrainResult local =
        TrainingLoop.run(
            TrainingState.initial(Network.build(SPEC), config, localSource.iterationsPerEpoch()),
            localSource,
            TrainingListener.NONE);

    SparkTrainer trainer = new SparkTrainer(sc, SPEC, config, 1);
    TrainResult distributed =
        trainer.train(
            rdd(blocks), sizes(blocks), rdd(new Dataset[] {validation}), TrainingListener.NONE);

    assertEquals(50, distributed.state().step());
    double diff = maxAbsDifference(local.state().parameters(), distributed.state().parameters());
    assertTrue(diff <= 1e-8, "max |θ_local − θ_spark| = " + diff);
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        local.state().parameters(),
        distributed.state().parameters(),
        "depth-1 aggregation adds partition sums in the oracle's order, so the parameters are bit-identical");
    assertEquals(local.lastEvaluation().accuracy(), distributed.lastEvaluation().accuracy());
  }

  @Test
  void fullBatchLbfgsOnSparkEqualsLbfgsInOneJvm() {
    Dataset[] blocks = split(data(), 3);
    TrainingConfig config =
        TrainingConfig.defaults().withOptimizer(OptimizerSpec.defaults("lbfgs")).withEpochs(8);
    LocalGradientSource localSource =
        new LocalGradientSource(
            Network.build(SPEC), blocks, null, config.seed(), config.batchSize());
    TrainResult local =
        TrainingLoop.run(
            TrainingState.initial(Network.build(SPEC), config, localSource.iterationsPerEpoch()),
            localSource,
            TrainingListener.NONE);
    TrainResult distributed =
        new SparkTrainer(sc, SPEC, config, 1)
            .train(rdd(blocks), sizes(blocks), null, TrainingListener.NONE);
    assertEquals(local.state().step(), distributed.state().step());
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        local.parameters(), distributed.parameters());
  }

  @Test
  void trainingMovesTheParameters() {
    Dataset[] blocks = split(data(), 2);
    TrainingConfig config = TrainingConfig.defaults().withBatchSize(64).withMaxIterations(5);
    TrainResult r =
        new SparkTrainer(sc, SPEC, config, 1)
            .train(rdd(blocks), sizes(blocks), null, TrainingListener.NONE);
    Network network = Network.build(SPEC);
    double[] initial = new double[network.parameterCount()];
    network.initialise(config.seed(), initial, new double[0]);
    assertTrue(maxAbsDifference(initial, r.state().parameters()) > 1e-4);
  }

  static double relativeDifference(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (a[i] - b[i]);
      den += a[i] * a[i];
    }
    return Math.sqrt(num / den);
  }

  static double maxAbsDifference(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
