package polyak.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import polyak.data.Dataset;
import polyak.data.Pca;
import polyak.data.Preprocessor;
import polyak.data.PreprocessorChain;
import polyak.spark.SparkTestSession;
import polyak.spark.config.ConfigError;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.run.PreparedData;

/**
 * The distributed PCA fit (per-partition sums added in partition order) equals {@link Pca#fit} over
 * the same blocks bit for bit, and {@code data.pca} puts scaling-then-PCA into the prepared data
 * and the model's preprocessor.
 */
class PcaFitTest {
  static SparkSession spark;
  static JavaSparkContext sc;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("pca-fit");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Dataset correlated(int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[rows * 5];
    int[] y = new int[rows];
    for (int r = 0; r < rows; r++) {
      double g = rng.nextGaussian();
      for (int j = 0; j < 5; j++) {
        x[r * 5 + j] = (j + 1) * g + 0.3 * rng.nextGaussian() + j;
      }
      y[r] = rng.nextInt(2);
    }
    return Dataset.classification("correlated", 5, x, y, 2, 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void distributedFitEqualsLocalFitOverTheSamePartitions(int partitions) {
    Dataset all = correlated(301, 1);
    Dataset[] blocks = new Dataset[partitions];
    int[] rows = new int[partitions];
    int from = 0;
    for (int p = 0; p < partitions; p++) {
      rows[p] = p == partitions - 1 ? all.rows() - from : all.rows() / partitions + p;
      blocks[p] = all.slice(from, rows[p]);
      from += rows[p];
    }
    JavaRDD<Dataset> rdd = sc.parallelize(new ArrayList<>(List.of(blocks)), partitions).cache();
    LoadedData loaded = new LoadedData(rdd, rows, 5, 2, "row 0", "correlated");
    Pca distributed = PcaFit.fit(loaded, 3, true);
    Pca local = Pca.fit(blocks, 3, true);
    assertArrayEquals(local.mean(), distributed.mean());
    assertArrayEquals(local.componentRows(), distributed.componentRows());
    assertArrayEquals(local.scale(), distributed.scale());
    rdd.unpersist();
  }

  @Test
  void configuredPcaFollowsTheScalingAndIsTheModelsPreprocessor() throws IOException {
    Dataset all = correlated(200, 2);
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < all.rows(); r++) {
      StringBuilder sb = new StringBuilder().append(all.labels()[r]);
      for (int j = 0; j < 5; j++) {
        sb.append(',').append(String.format(Locale.ROOT, "%.6f", all.features()[r * 5 + j]));
      }
      lines.add(sb.toString());
    }
    Path csv = Files.write(dir.resolve("data.csv"), lines);
    List<String> overrides =
        new ArrayList<>(
            List.of(
                "data.format=csv",
                "data.classes=2",
                "data.train.paths=[\"" + csv + "\"]",
                "data.test.paths=[\"" + csv + "\"]",
                "data.scaling=standardize",
                "data.partitions=2",
                "data.pca.components=2",
                "network.input=2",
                "network.layers=[\"dense 4\", relu, \"dense 2\"]"));
    PolyakConfig config = ConfigLoader.load(null, overrides);
    PreparedData data = PreparedData.load(spark, config, null);
    assertEquals(2, data.train().width());
    PreprocessorChain chain = assertInstanceOf(PreprocessorChain.class, data.preprocessor());
    assertEquals(2, chain.parts().size());
    assertInstanceOf(Pca.class, chain.parts().get(1));

    // the model's preprocessor applied to the raw rows gives the prepared test features
    List<Dataset> raw = TrainingData.load(spark, config.test(), 2).blocks().collect();
    List<Dataset> prepared = data.test().blocks().collect();
    Preprocessor pre = data.preprocessor();
    for (int b = 0; b < raw.size(); b++) {
      assertArrayEquals(pre.apply(raw.get(b)).features(), prepared.get(b).features());
    }

    overrides.set(overrides.indexOf("network.input=2"), "network.input=5");
    ConfigError e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigError.class, () -> ConfigLoader.load(null, overrides));
    assertTrue(e.getMessage().contains("data.pca.components"), e.getMessage());
  }
}
