package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.SparkTestSession;
import polyak.spark.bench.SyntheticLibSvm;
import polyak.spark.data.DataSource;
import polyak.spark.data.LoadedData;
import polyak.spark.data.TrainingData;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.GradientResult;
import polyak.train.LocalGradientSource;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * Sparse blocks loaded from LibSVM files train on Spark exactly as LocalTrainer trains on the same
 * blocks (bit for bit), and give the gradient of the densified blocks up to round-off: relative
 * 1e-12, because the sparse first layer sums x·W and xᵀ·dy in its own order while the dense kernel
 * (a BLAS here) blocks and vectorises its sums; a wrong or missing term would differ by ≥ 1e-3.
 */
class SparseDistributedEqualsLocalTest {
  static final int WIDTH = 4000;
  static final NetworkSpec SPEC =
      SpecParser.network("sparse", "input " + WIDTH + "\ndense 12\nrelu\ndense 3\nloss softmax_ce");

  static SparkSession spark;
  static JavaSparkContext sc;
  static LoadedData data;
  static Dataset[] blocks;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkTestSession.startKryo("sparse-distributed-equals-local");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SyntheticLibSvm.write(dir, new SyntheticLibSvm.Shape(500, WIDTH, 0.008, 3, 2, 9));
    data =
        TrainingData.load(spark, DataSource.libsvm(WIDTH, 3, dir.resolve("part-*").toString()), 3);
    blocks = data.blocks().collect().toArray(new Dataset[0]);
  }

  @AfterAll
  static void stop() {
    data.unpersist();
    spark.stop();
  }

  static double[] params(Network network) {
    double[] p = new double[network.parameterCount()];
    network.initialise(3, p, new double[0]);
    return p;
  }

  static double[] sparkGradient(Network network, JavaRDD<Dataset> rdd, double[] params) {
    SparkGradientSource source =
        new SparkGradientSource(sc, network, rdd, data.partitionRows(), null, 42, 128, 1);
    double[] g = new double[params.length];
    source.gradient(4, params, new double[0], g, new double[0]);
    source.close();
    return g;
  }

  @Test
  void sparkSparseGradientEqualsLocalBitForBitAndDensifiedToRoundOff() {
    assertTrue(data.isSparse(), data.description());
    assertTrue(Arrays.stream(blocks).allMatch(Dataset::isSparse));
    Network network = Network.build(SPEC);
    double[] params = params(network);

    LocalGradientSource local = new LocalGradientSource(network, blocks, null, 42, 128);
    double[] expected = new double[params.length];
    GradientResult l = local.gradient(4, params, new double[0], expected, new double[0]);
    assertEquals(128, l.batch().count());

    double[] sparse = sparkGradient(network, data.blocks(), params);
    assertArrayEquals(expected, sparse, "same blocks, same order: the same bits");

    JavaRDD<Dataset> densified = data.blocks().map(Dataset::densified).cache();
    double[] dense = sparkGradient(network, densified, params);
    densified.unpersist();
    double scale = Arrays.stream(dense).map(Math::abs).max().orElse(0);
    assertTrue(scale > 0);
    for (int i = 0; i < dense.length; i++) {
      assertEquals(dense[i], sparse[i], 1e-12 * scale, "parameter " + i);
    }
  }

  @Test
  void thirtyAdamIterationsOnSparkEndAtLocalTrainersParameters() {
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(64)
            .withEpochs(100)
            .withMaxIterations(30)
            .withOptimizer(OptimizerSpec.defaults("adam"))
            .withLearningRate(ScheduleSpec.constant(0.01))
            .withEvaluation(15, 0);
    Dataset validation = blocks[0].slice(0, 50);
    LocalGradientSource localSource =
        new LocalGradientSource(
            Network.build(SPEC), blocks, validation, config.seed(), config.batchSize());
    TrainResult local =
        TrainingLoop.run(
            TrainingState.initial(Network.build(SPEC), config, localSource.iterationsPerEpoch()),
            localSource,
            TrainingListener.NONE);

    JavaRDD<Dataset> validationRdd = sc.parallelize(java.util.List.of(validation), 1).cache();
    TrainResult distributed =
        new SparkTrainer(sc, SPEC, config, 1)
            .train(data.blocks(), data.partitionRows(), validationRdd, TrainingListener.NONE);
    validationRdd.unpersist();

    assertEquals(30, distributed.state().step());
    assertArrayEquals(local.state().parameters(), distributed.state().parameters());
    assertEquals(local.lastEvaluation().accuracy(), distributed.lastEvaluation().accuracy());
  }
}
