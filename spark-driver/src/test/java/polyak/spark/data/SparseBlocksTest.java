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
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.spark.SparkTestSession;
import polyak.spark.bench.SyntheticLibSvm;
import scala.jdk.javaapi.CollectionConverters;

/**
 * LibSVM rows and Parquet sparse vectors load into blocks that stay sparse (CSR holding the
 * non-zeros, not rows × width doubles), with the same values as the densified load; {@code
 * data.sparse} chooses. Kryo with registration required, so a sparse block must serialize.
 */
class SparseBlocksTest {
  static final int WIDTH = 3000;

  static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("sparse-blocks");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Non-zero "index:value" tokens in the files. */
  static long tokens(List<Path> files) throws IOException {
    long n = 0;
    for (Path f : files) {
      for (String line : Files.readAllLines(f)) {
        n += line.chars().filter(c -> c == ':').count();
      }
    }
    return n;
  }

  static long blockNonZeros(LoadedData data) {
    return data.blocks().map(b -> (long) b.sparseFeatures().nonZeros()).reduce(Long::sum);
  }

  @Test
  void libsvmLoadsSparseWithTheDensifiedValues() throws IOException {
    List<Path> files =
        SyntheticLibSvm.write(
            dir.resolve("svm"), new SyntheticLibSvm.Shape(150, WIDTH, 0.01, 3, 3, 5));
    String glob = dir.resolve("svm/part-*").toString();
    LoadedData sparse = TrainingData.load(spark, DataSource.libsvm(WIDTH, 3, glob), 4);
    LoadedData dense =
        TrainingData.load(spark, DataSource.libsvm(WIDTH, 3, glob).withSparse(SparseMode.OFF), 4);

    long written = tokens(files);
    assertTrue(sparse.isSparse(), sparse.description());
    assertEquals(written, sparse.nonZeros());
    assertEquals(written, blockNonZeros(sparse));
    assertTrue(sparse.description().contains("kept sparse"), sparse.description());
    assertFalse(dense.isSparse());
    List<Dataset> s = sparse.blocks().collect();
    List<Dataset> d = dense.blocks().collect();
    assertEquals(4, s.size());
    for (int p = 0; p < 4; p++) {
      Dataset block = s.get(p);
      assertTrue(block.isSparse());
      // the block holds its non-zeros: 12 bytes each + 4 per row, not rows × width × 8
      assertEquals(
          4L * (block.rows() + 1) + 12L * block.sparseFeatures().nonZeros(),
          block.sparseFeatures().bytes());
      assertTrue(block.sparseFeatures().bytes() * 50 < 8L * block.rows() * WIDTH);
      assertThrows(IllegalStateException.class, block::features);
      assertEquals(d.get(p).baseId(), block.baseId());
      assertArrayEquals(d.get(p).labels(), block.labels());
      assertArrayEquals(d.get(p).features(), block.densified().features());
    }
    sparse.unpersist();
    dense.unpersist();
  }

  @Test
  void autoKeepsDenseRowsDenseAndTrueRefusesDenseFormats() throws IOException {
    SyntheticLibSvm.write(dir.resolve("busy"), new SyntheticLibSvm.Shape(40, 20, 0.5, 3, 1, 6));
    LoadedData busy =
        TrainingData.load(
            spark, DataSource.libsvm(20, 3, dir.resolve("busy/part-*").toString()), 2);
    assertFalse(busy.isSparse(), "about 50 % non-zeros is above the auto threshold");
    busy.unpersist();
    LoadedData forced =
        TrainingData.load(
            spark,
            DataSource.libsvm(20, 3, dir.resolve("busy/part-*").toString())
                .withSparse(SparseMode.ON),
            2);
    assertTrue(forced.isSparse());
    forced.unpersist();

    Path csv = dir.resolve("a.csv");
    Files.writeString(csv, "1,0,0,3\n0,0,2,0\n");
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                TrainingData.load(
                    spark, DataSource.csv(2, csv.toString()).withSparse(SparseMode.ON), 1));
    assertTrue(e.getMessage().contains("data.sparse = true"), e.getMessage());
  }

  @Test
  void sparseRowsRefuseWhatWouldDensifyThemNamingTheKey() throws IOException {
    SyntheticLibSvm.write(dir.resolve("few"), new SyntheticLibSvm.Shape(30, WIDTH, 0.01, 3, 1, 7));
    String glob = dir.resolve("few/part-*").toString();
    LoadedData data = TrainingData.load(spark, DataSource.libsvm(WIDTH, 3, glob), 2);
    String base =
        "data { format = libsvm, classes = 3, libsvm.features = "
            + WIDTH
            + ", train.paths = [\""
            + glob
            + "\"] }\nnetwork { input = "
            + WIDTH
            + ", layers = [\"dense 8\", relu, \"dense 3\"] }\n";
    for (String[] c :
        new String[][] {
          {"data.scaling = standardize", "data.scaling = standardize"},
          {"data.pca.components = 2\nnetwork.input = 2", "data.pca.components = 2"},
          {"network.layers = [layernorm, \"dense 3\"]", "network.layers[0]"},
          {"ensemble.members = 3", "ensemble.bootstrap = true"}
        }) {
      polyak.spark.config.PolyakConfig config =
          polyak.spark.config.ConfigLoader.parse(base + c[0] + "\n", List.of(), "test");
      DataException e =
          assertThrows(
              DataException.class, () -> polyak.spark.run.PreparedData.of(config, data, null));
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
      assertTrue(e.getMessage().contains("data.sparse = false"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
    polyak.spark.config.PolyakConfig pixels =
        polyak.spark.config.ConfigLoader.parse(base + "data.scaling = pixels\n", List.of(), "t");
    LoadedData scaled = polyak.spark.run.PreparedData.of(pixels, data, null).train();
    assertTrue(scaled.isSparse(), "x / 255 keeps the rows sparse");
    assertEquals(data.nonZeros(), blockNonZeros(scaled));
    scaled.unpersist();
  }

  private static final StructType VECTOR =
      new StructType(
          new StructField[] {
            new StructField("type", DataTypes.ByteType, false, Metadata.empty()),
            new StructField("size", DataTypes.IntegerType, true, Metadata.empty()),
            new StructField(
                "indices",
                DataTypes.createArrayType(DataTypes.IntegerType, false),
                true,
                Metadata.empty()),
            new StructField(
                "values",
                DataTypes.createArrayType(DataTypes.DoubleType, false),
                true,
                Metadata.empty())
          });

  private static Object seq(Object... values) {
    return CollectionConverters.asScala(Arrays.asList(values)).toSeq();
  }

  @Test
  void parquetSparseVectorsLoadSparse() {
    int rows = 60;
    SplittableRandom rng = new SplittableRandom(3);
    double[][] expected = new double[rows][WIDTH];
    List<Row> data = new ArrayList<>();
    long nonZeros = 0;
    for (int r = 0; r < rows; r++) {
      List<Object> idx = new ArrayList<>();
      List<Object> val = new ArrayList<>();
      for (int k = 0; k < WIDTH; k++) {
        if (rng.nextDouble() < 0.005) {
          double v = 1 + rng.nextInt(9);
          idx.add(k);
          val.add(v);
          expected[r][k] = v;
        }
      }
      nonZeros += idx.size();
      Row vector = RowFactory.create((byte) 0, WIDTH, seq(idx.toArray()), seq(val.toArray()));
      data.add(RowFactory.create(vector, r % 2));
    }
    StructType schema =
        new StructType().add("features", VECTOR).add("label", DataTypes.IntegerType);
    String path = dir.resolve("vec").toString();
    spark.createDataFrame(data, schema).coalesce(1).write().parquet(path);

    LoadedData loaded =
        TrainingData.load(spark, DataSource.parquet("features", "label", 2, path), 3);
    assertTrue(loaded.isSparse(), loaded.description());
    assertEquals(nonZeros, loaded.nonZeros());
    assertEquals(nonZeros, blockNonZeros(loaded));
    for (Dataset b : loaded.blocks().collect()) {
      assertTrue(b.isSparse());
      double[] dense = b.densified().features();
      for (int r = 0; r < b.rows(); r++) {
        int global = (int) (b.baseId() + r);
        assertArrayEquals(expected[global], Arrays.copyOfRange(dense, r * WIDTH, (r + 1) * WIDTH));
        assertEquals(global % 2, b.labels()[r]);
      }
    }
    loaded.unpersist();
  }
}
