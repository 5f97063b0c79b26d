package polyak.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.spark.SparkTestSession;
import scala.jdk.javaapi.CollectionConverters;

class ParquetLoadTest {
  /** The storage type of Spark ML's VectorUDT (spark-mllib is not a dependency of polyak). */
  private static final StructType VECTOR =
      new StructType(
          new StructField[] {
            new StructField(
                "type", DataTypes.ByteType, false, org.apache.spark.sql.types.Metadata.empty()),
            new StructField(
                "size", DataTypes.IntegerType, true, org.apache.spark.sql.types.Metadata.empty()),
            new StructField(
                "indices",
                DataTypes.createArrayType(DataTypes.IntegerType, false),
                true,
                org.apache.spark.sql.types.Metadata.empty()),
            new StructField(
                "values",
                DataTypes.createArrayType(DataTypes.DoubleType, false),
                true,
                org.apache.spark.sql.types.Metadata.empty())
          });

  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("parquet-load");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Object seq(Object... values) {
    return CollectionConverters.asScala(Arrays.asList(values)).toSeq();
  }

  private static Row dense(double... v) {
    return RowFactory.create((byte) 1, null, null, seq(Arrays.stream(v).boxed().toArray()));
  }

  private static Row sparse(int size, int[] indices, double[] values) {
    return RowFactory.create(
        (byte) 0,
        size,
        seq(Arrays.stream(indices).boxed().toArray()),
        seq(Arrays.stream(values).boxed().toArray()));
  }

  private String write(String name, StructType schema, List<Row> rows, int files) {
    String path = dir.resolve(name).toString();
    spark.createDataFrame(rows, schema).coalesce(1).repartition(files).write().parquet(path);
    return path;
  }

  private static double[][] rows(LoadedData data) {
    double[][] out = new double[(int) data.rows()][];
    for (Dataset b : data.blocks().collect()) {
      for (int r = 0; r < b.rows(); r++) {
        double[] row = new double[b.width() + 1];
        row[0] = b.labels()[r];
        System.arraycopy(b.features(), r * b.width(), row, 1, b.width());
        out[(int) (b.baseId() + r)] = row;
      }
    }
    return out;
  }

  /** Rows sorted by their first feature, to compare regardless of Spark's file order. */
  private static double[][] sorted(double[][] rows) {
    double[][] copy = rows.clone();
    Arrays.sort(copy, (a, b) -> Double.compare(a[1], b[1]));
    return copy;
  }

  @Test
  void vectorColumnDenseAndSparse() {
    StructType schema =
        new StructType().add("features", VECTOR).add("label", DataTypes.IntegerType);
    List<Row> rows =
        List.of(
            RowFactory.create(dense(1, 2, 3), 0),
            RowFactory.create(sparse(3, new int[] {1}, new double[] {5}), 2),
            RowFactory.create(dense(4, 0, 6), 1),
            RowFactory.create(dense(7, 8, 9), 1));
    String path = write("vec", schema, rows, 2);
    LoadedData data = TrainingData.load(spark, DataSource.parquet("features", "label", 3, path), 3);
    assertEquals(4, data.rows());
    assertEquals(3, data.width());
    assertEquals(4, Arrays.stream(data.partitionRows()).sum());
    assertArrayEquals(
        new double[][] {{2, 0, 5, 0}, {0, 1, 2, 3}, {1, 4, 0, 6}, {1, 7, 8, 9}},
        sorted(rows(data)));
    data.unpersist();
  }

  @Test
  void arrayColumnsOfDoublesAndFloatsWithLongLabels() {
    StructType schema =
        new StructType()
            .add("x", DataTypes.createArrayType(DataTypes.FloatType))
            .add("y", DataTypes.LongType)
            .add("other", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(RowFactory.create(seq((float) i, 0.5f), (long) (i % 2), "r" + i));
    }
    String path = write("arr", schema, rows, 3);
    LoadedData data = TrainingData.load(spark, DataSource.parquet("x", "y", 2, path), 2);
    assertArrayEquals(new int[] {5, 5}, data.partitionRows());
    double[][] loaded = sorted(rows(data));
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(new double[] {i % 2, i, 0.5}, loaded[i]);
    }
    LoadedData again = TrainingData.load(spark, DataSource.parquet("x", "y", 2, path), 2);
    assertArrayEquals(rows(data), rows(again), "same files, same order");
    data.unpersist();
    again.unpersist();
  }

  @Test
  void nanInAnArrayNamesTheFileAndRow() {
    StructType schema =
        new StructType()
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("y", DataTypes.IntegerType);
    String path =
        write(
            "nan",
            schema,
            List.of(
                RowFactory.create(seq(1.0, 2.0), 0),
                RowFactory.create(seq(1.0, Double.NaN), 1),
                RowFactory.create(seq(3.0, 4.0), 1)),
            1);
    DataException e =
        assertThrows(
            DataException.class,
            () -> TrainingData.load(spark, DataSource.parquet("x", "y", 2, path), 2));
    assertTrue(
        e.getMessage()
            .matches(
                "file:"
                    + path
                    + "/part-[^:]+\\.parquet: row 2, feature 2: value NaN is not"
                    + " finite"),
        e.getMessage());
  }

  @Test
  void labelOutOfRangeAndRaggedArraysNameTheFileAndRow() {
    StructType schema =
        new StructType()
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("y", DataTypes.DoubleType);
    String labels =
        write(
            "labels",
            schema,
            List.of(RowFactory.create(seq(1.0, 2.0), 0.0), RowFactory.create(seq(1.0, 2.0), 7.0)),
            1);
    DataException e =
        assertThrows(
            DataException.class,
            () -> TrainingData.load(spark, DataSource.parquet("x", "y", 2, labels), 1));
    assertTrue(
        e.getMessage()
            .matches("file:" + labels + "/part-[^:]+\\.parquet: row 2: label 7 outside \\[0, 2\\)"),
        e.getMessage());
    String ragged =
        write(
            "ragged",
            schema,
            List.of(
                RowFactory.create(seq(1.0, 2.0), 0.0), RowFactory.create(seq(1.0, 2.0, 3.0), 1.0)),
            1);
    e =
        assertThrows(
            DataException.class,
            () -> TrainingData.load(spark, DataSource.parquet("x", "y", 2, ragged), 1));
    assertTrue(
        e.getMessage()
            .matches(
                "file:"
                    + ragged
                    + "/part-[^:]+\\.parquet: row 2: 3 features, expected 2 as in"
                    + " file:.*: row 1"),
        e.getMessage());
  }

  @Test
  void missingColumnAndMissingPathAreNamed() {
    StructType schema =
        new StructType()
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("y", DataTypes.IntegerType);
    String path = write("cols", schema, List.of(RowFactory.create(seq(1.0), 0)), 1);
    DataException e =
        assertThrows(
            DataException.class,
            () -> TrainingData.load(spark, DataSource.parquet("features", "y", 2, path), 1));
    assertTrue(e.getMessage().contains("no column 'features' (columns: x, y)"), e.getMessage());
    String missing = dir.resolve("nothing-here").toString();
    e =
        assertThrows(
            DataException.class,
            () -> TrainingData.load(spark, DataSource.parquet("x", "y", 2, missing), 1));
    assertEquals(missing + ": no data files match this path", e.getMessage());
  }
}
