package polyak.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.SparkTestSession;
import polyak.spark.train.SparkTrainer;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.LocalGradientSource;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * {@code data.classes = 0}: CSV, LibSVM and Parquet labels load as real-valued targets (regression
 * blocks, the values exact), the Spark loop trains on them bit for bit as the local oracle does,
 * and what cannot work is refused with the file or the network named. Kryo with registration
 * required.
 */
class RealTargetsLoadTest {
  static final int ROWS = 120;
  static final NetworkSpec SPEC =
      SpecParser.network(
          "test",
          """
      input 3
      dense 6
      tanh
      dense 1
      loss mse
      """);

  static SparkSession spark;
  @TempDir static Path dir;
  static double[][] x = new double[ROWS][3];
  static double[] y = new double[ROWS];

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("real-targets");
    SplittableRandom rng = new SplittableRandom(9);
    for (int r = 0; r < ROWS; r++) {
      for (int j = 0; j < 3; j++) {
        x[r][j] = rng.nextGaussian();
      }
      y[r] = 1.5 * x[r][0] - x[r][1] * x[r][2] + 0.01 * rng.nextGaussian() + 100;
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** All rows in global order as (target, features), checking the blocks are regression blocks. */
  private static double[][] rows(LoadedData data) {
    assertEquals(DataSource.REAL_TARGETS, data.classes());
    double[][] out = new double[(int) data.rows()][];
    for (Dataset b : data.blocks().collect()) {
      assertFalse(b.isClassification());
      assertEquals(1, b.targetWidth());
      for (int r = 0; r < b.rows(); r++) {
        double[] row = new double[b.width() + 1];
        row[0] = b.targets()[r];
        System.arraycopy(b.features(), r * b.width(), row, 1, b.width());
        out[(int) (b.baseId() + r)] = row;
      }
    }
    return out;
  }

  private static double[][] expected() {
    double[][] out = new double[ROWS][];
    for (int r = 0; r < ROWS; r++) {
      out[r] = new double[] {y[r], x[r][0], x[r][1], x[r][2]};
    }
    return out;
  }

  @Test
  void csvLibSvmAndParquetLoadTheExactTargets() throws IOException {
    StringBuilder csv = new StringBuilder();
    StringBuilder svm = new StringBuilder();
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      // the target in the last CSV column, to show data.csv.label_column is honoured
      csv.append(
          String.format(Locale.ROOT, "%.17g,%.17g,%.17g,%.17g%n", x[r][0], x[r][1], x[r][2], y[r]));
      svm.append(
          String.format(
              Locale.ROOT, "%.17g 1:%.17g 2:%.17g 3:%.17g%n", y[r], x[r][0], x[r][1], x[r][2]));
      rows.add(RowFactory.create(Vectors.dense(x[r]), (float) y[r]));
    }
    Path csvFile = Files.writeString(dir.resolve("rows.csv"), csv);
    Path svmFile = Files.writeString(dir.resolve("rows.libsvm"), svm);
    String parquet = dir.resolve("rows.parquet").toString();
    StructType schema =
        new StructType().add("features", SQLDataTypes.VectorType()).add("y", DataTypes.FloatType);
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet);

    double[][] want = expected();
    assertArrayEquals(
        want,
        rows(
            TrainingData.load(
                spark,
                DataSource.csv(DataSource.REAL_TARGETS, csvFile.toString()).withLabelColumn(3),
                3)));
    assertArrayEquals(
        want,
        rows(
            TrainingData.load(
                spark, DataSource.libsvm(3, DataSource.REAL_TARGETS, svmFile.toString()), 2)));
    double[][] fromParquet =
        rows(
            TrainingData.load(
                spark, DataSource.parquet("features", "y", DataSource.REAL_TARGETS, parquet), 2));
    for (int r = 0; r < ROWS; r++) {
      want[r][0] = (float) y[r]; // a float label column widens exactly
    }
    assertArrayEquals(want, fromParquet);
  }

  @Test
  void sparkLoopOnLoadedTargetsEqualsTheLocalOracle() throws IOException {
    StringBuilder csv = new StringBuilder();
    for (int r = 0; r < ROWS; r++) {
      csv.append(
          String.format(Locale.ROOT, "%.17g,%.17g,%.17g,%.17g%n", y[r], x[r][0], x[r][1], x[r][2]));
    }
    Path file = Files.writeString(dir.resolve("train.csv"), csv);
    LoadedData data =
        TrainingData.load(spark, DataSource.csv(DataSource.REAL_TARGETS, file.toString()), 3);
    data.checkCompatible(SPEC);
    Dataset[] blocks = data.blocks().collect().toArray(new Dataset[0]);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(32)
            .withEpochs(100)
            .withMaxIterations(20)
            .withOptimizer(OptimizerSpec.defaults("adam"))
            .withLearningRate(ScheduleSpec.constant(0.01));

    LocalGradientSource local =
        new LocalGradientSource(
            Network.build(SPEC), blocks, null, config.seed(), config.batchSize());
    TrainResult expected =
        TrainingLoop.run(
            TrainingState.initial(Network.build(SPEC), config, local.iterationsPerEpoch()),
            local,
            TrainingListener.NONE);
    TrainResult actual =
        new SparkTrainer(JavaSparkContext.fromSparkContext(spark.sparkContext()), SPEC, config, 1)
            .train(data.blocks(), data.partitionRows(), null, TrainingListener.NONE);

    assertEquals(20, actual.state().step());
    assertArrayEquals(expected.state().parameters(), actual.state().parameters());
    data.unpersist();
  }

  @Test
  void whatCannotWorkIsRefusedNamingTheFileOrNetwork() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.libsvm"), "0.5 1:1\nInfinity 1:2\n");
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                TrainingData.load(
                    spark, DataSource.libsvm(3, DataSource.REAL_TARGETS, bad.toString()), 1));
    assertTrue(
        e.getMessage().contains("bad.libsvm: line 2: target Infinity is not finite"),
        e.getMessage());

    e =
        assertThrows(
            DataException.class,
            () ->
                TrainingData.load(
                    spark, DataSource.idx("images.idx", "labels.idx", DataSource.REAL_TARGETS), 1));
    assertTrue(e.getMessage().startsWith("labels.idx: IDX labels are classes"), e.getMessage());

    Path ok = Files.writeString(dir.resolve("ok.csv"), "0.5,1,2,3\n");
    LoadedData data =
        TrainingData.load(spark, DataSource.csv(DataSource.REAL_TARGETS, ok.toString()), 1);
    e =
        assertThrows(
            DataException.class,
            () ->
                data.checkCompatible(
                    SpecParser.network(
                        "t",
                        """
        input 3
        dense 2
        loss mse
        """)));
    assertTrue(
        e.getMessage()
            .contains("one real-valued target per row, but the network's output width is 2"),
        e.getMessage());
    e =
        assertThrows(
            DataException.class,
            () ->
                data.checkCompatible(
                    SpecParser.network(
                        "t",
                        """
        input 3
        dense 2
        loss softmax_ce
        """)));
    assertTrue(
        e.getMessage().contains("real-valued targets, but the loss softmax_ce"), e.getMessage());
    data.unpersist();
  }
}
