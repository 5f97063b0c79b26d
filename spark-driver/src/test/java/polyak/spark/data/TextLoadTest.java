package polyak.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.data.Standardizer;
import polyak.spark.SparkTestSession;

class TextLoadTest {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("text-load");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private Path write(String name, String... lines) throws IOException {
    return Files.write(dir.resolve(name), List.of(lines));
  }

  /** All rows of the loaded data in global order: label followed by features. */
  private static double[][] rows(LoadedData data) {
    List<Dataset> blocks = data.blocks().collect();
    double[][] out = new double[(int) data.rows()][];
    long expectedBase = 0;
    for (Dataset b : blocks) {
      assertEquals(expectedBase, b.baseId());
      for (int r = 0; r < b.rows(); r++) {
        double[] row = new double[b.width() + 1];
        row[0] = b.labels()[r];
        System.arraycopy(b.features(), r * b.width(), row, 1, b.width());
        out[(int) (b.baseId() + r)] = row;
      }
      expectedBase += b.rows();
    }
    return out;
  }

  @Test
  void csvFilesOfADirectoryLoadInNameOrderIntoBalancedPartitions() throws IOException {
    write("b.csv", "id,x,y,z", "2,0.5,1,-1", "", "0,4,5,6");
    write("a.csv", "h1,h2,h3,h4", "1,1,2,3");
    write("c.csv", "h1,h2,h3,h4", "3,7,8,9", "0,10,11,12", "1,13,14,15");
    LoadedData data =
        TrainingData.load(spark, DataSource.csv(4, dir.toString()).withHeader(true), 3);
    assertEquals(6, data.rows());
    assertEquals(3, data.width());
    assertArrayEquals(new int[] {2, 2, 2}, data.partitionRows());
    assertArrayEquals(
        new double[][] {
          {1, 1, 2, 3},
          {2, 0.5, 1, -1},
          {0, 4, 5, 6},
          {3, 7, 8, 9},
          {0, 10, 11, 12},
          {1, 13, 14, 15}
        },
        rows(data));
    data.unpersist();
  }

  @Test
  void csvLabelColumnDelimiterAndLimit() throws IOException {
    Path a = write("a.tsv", "1\t2\t0", "3\t4\t1");
    Path b = write("b.tsv", "5\t6\t1", "7\t8\t0");
    LoadedData data =
        TrainingData.load(
            spark,
            DataSource.csv(2, a.toString(), b.toString())
                .withLabelColumn(2)
                .withDelimiter('\t')
                .withLimit(3),
            2);
    assertArrayEquals(new double[][] {{0, 1, 2}, {1, 3, 4}, {1, 5, 6}}, rows(data));
    assertArrayEquals(new int[] {1, 2}, data.partitionRows());
    data.unpersist();
  }

  @Test
  void aUtf8ByteOrderMarkBeforeTheFirstLabelIsAccepted() throws IOException {
    Path a = write("bom.csv", "\uFEFF1,2", "0,3");
    LoadedData data = TrainingData.load(spark, DataSource.csv(2, a.toString()), 1);
    assertArrayEquals(new double[][] {{1, 2}, {0, 3}}, rows(data));
    data.unpersist();
  }

  @Test
  void moreCsvPartitionsThanRowsLeavesEmptyBlocks() throws IOException {
    Path a = write("a.csv", "1,2", "0,3");
    LoadedData data = TrainingData.load(spark, DataSource.csv(2, a.toString()), 4);
    assertArrayEquals(new int[] {0, 1, 0, 1}, data.partitionRows());
    assertArrayEquals(new double[][] {{1, 2}, {0, 3}}, rows(data));
    data.unpersist();
  }

  @Test
  void libsvmFilesLoadSparseRowsDense() throws IOException {
    write("part-1.svm", "1 1:0.5 3:2", "0 2:-1 # comment");
    write("part-2.svm", "2 4:7", "1");
    LoadedData data =
        TrainingData.load(spark, DataSource.libsvm(4, 3, dir.resolve("part-*.svm").toString()), 2);
    assertEquals(4, data.width());
    assertArrayEquals(
        new double[][] {{1, 0.5, 0, 2, 0}, {0, 0, -1, 0, 0}, {2, 0, 0, 0, 7}, {1, 0, 0, 0, 0}},
        rows(data));
    data.unpersist();
  }

  @Test
  void gzipCsvIsDecoded() throws IOException {
    Path gz = dir.resolve("a.csv.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("1,2,3\n0,4,5\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    LoadedData data = TrainingData.load(spark, DataSource.csv(2, gz.toString()), 1);
    assertArrayEquals(new double[][] {{1, 2, 3}, {0, 4, 5}}, rows(data));
    data.unpersist();
  }

  private DataException csvFailure(String... secondFile) throws IOException {
    write("a.csv", "1,2,3", "0,4,5");
    write("b.csv", secondFile);
    return assertThrows(
        DataException.class, () -> TrainingData.load(spark, DataSource.csv(3, dir.toString()), 2));
  }

  /**
   * A row fault comes back from the executor as a value: no Spark task fails, so Spark logs no task
   * failure trace and does not retry a parse that must fail again.
   */
  @Test
  void aDataFaultFailsNoSparkTask() throws Exception {
    java.util.concurrent.atomic.AtomicInteger failed =
        new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener listener =
        new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
            if (!end.taskInfo().successful()) {
              failed.incrementAndGet();
            }
          }
        };
    spark.sparkContext().addSparkListener(listener);
    try {
      DataException e = csvFailure("1,2,3", "0,NaN,1");
      assertEquals(b() + ": line 2, column 2: value NaN is not finite", e.getMessage());
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertEquals(0, failed.get());
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  private String b() {
    return "file:" + dir.resolve("b.csv");
  }

  @Test
  void raggedCsvRowNamesFileLineAndColumnCounts() throws IOException {
    DataException e = csvFailure("1,2,3", "2,4,5", "0,1", "1,1,1");
    assertEquals(
        b() + ": line 3 has 2 columns, expected 3 as in " + b() + ": line 1", e.getMessage());
  }

  @Test
  void csvFilesOfDifferentWidthsNameBothFiles() throws IOException {
    DataException e = csvFailure("1,2,3,4", "2,4,5,6");
    assertEquals(
        b() + ": line 1: 3 features, expected 2 as in file:" + dir.resolve("a.csv") + ": line 1",
        e.getMessage());
  }

  @Test
  void nonNumericCellNamesFileLineAndColumn() throws IOException {
    DataException e = csvFailure("1,2,3", "2,4,5", "0,1,abc");
    assertEquals(b() + ": line 3, column 3: 'abc' is not a number", e.getMessage());
  }

  @Test
  void labelOutOfRangeNamesFileAndLine() throws IOException {
    DataException e = csvFailure("1,2,3", "3,4,5");
    assertEquals(b() + ": line 2, column 1: label 3 outside [0, 3)", e.getMessage());
  }

  @Test
  void nonIntegerLabelNamesFileAndLine() throws IOException {
    DataException e = csvFailure("1.5,2,3");
    assertEquals(b() + ": line 1, column 1: label 1.5 is not an integer", e.getMessage());
  }

  @Test
  void nanFeatureNamesFileLineAndColumn() throws IOException {
    DataException e = csvFailure("1,2,3", "2,NaN,5");
    assertEquals(b() + ": line 2, column 2: value NaN is not finite", e.getMessage());
  }

  @Test
  void infiniteFeatureNamesFileLineAndColumn() throws IOException {
    DataException e = csvFailure("1,2,3", "2,4,5", "", "1,1,-Infinity");
    assertEquals(b() + ": line 4, column 3: value -Infinity is not finite", e.getMessage());
  }

  @Test
  void libsvmIndexBeyondTheFeatureCountNamesFileAndLine() throws IOException {
    Path f = write("x.svm", "1 1:1", "0 2:1 5:3");
    DataException e =
        assertThrows(
            DataException.class,
            () -> TrainingData.load(spark, DataSource.libsvm(4, 2, f.toString()), 2));
    assertEquals(
        "file:" + f + ": line 2, column 3: feature index 5 outside [1, 4]", e.getMessage());
  }

  @Test
  void featureCountMismatchWithTheNetworkNamesTheFirstFile() throws IOException {
    write("a.csv", "1,2,3", "0,4,5");
    LoadedData data = TrainingData.load(spark, DataSource.csv(2, dir.toString()), 2);
    DataException e = assertThrows(DataException.class, () -> data.checkWidth(784));
    assertEquals(
        "file:"
            + dir.resolve("a.csv")
            + ": line 1: 2 features per row, but the network's input width is 784",
        e.getMessage());
    data.unpersist();
  }

  @Test
  void filesWithoutRowsAreAnEmptyDataSet() throws IOException {
    write("a.csv", "h1,h2");
    write("b.csv", "h1,h2", "", "  ");
    DataException e =
        assertThrows(
            DataException.class,
            () -> TrainingData.load(spark, DataSource.csv(2, dir.toString()).withHeader(true), 2));
    assertEquals(dir + ": no rows", e.getMessage());
  }

  @Test
  void aPathMatchingNoFilesIsNamed() {
    String glob = dir.resolve("*.csv").toString();
    DataException e =
        assertThrows(
            DataException.class, () -> TrainingData.load(spark, DataSource.csv(2, glob), 2));
    assertEquals(glob + ": no data files match this path", e.getMessage());
    String missing = "file://" + dir.resolve("missing.svm");
    e =
        assertThrows(
            DataException.class,
            () -> TrainingData.load(spark, DataSource.libsvm(3, 2, missing), 2));
    assertEquals(missing + ": no data files match this path", e.getMessage());
  }

  @Test
  void standardisationFittedOnTrainIsAppliedToTest() throws IOException {
    Path train = write("train.csv", "0,1,10", "1,3,10", "0,5,10", "1,7,10");
    Path test = write("test.csv", "1,4,11", "0,9,10");
    LoadedData trainData = TrainingData.load(spark, DataSource.csv(2, train.toString()), 3);
    LoadedData testData = TrainingData.load(spark, DataSource.csv(2, test.toString()), 2);
    Standardizer z = Standardization.fit(trainData);
    double std = Math.sqrt((9 + 1 + 1 + 9) / 4.0);
    assertArrayEquals(new double[] {4, 10}, z.mean(), 1e-12);
    assertArrayEquals(new double[] {std, 1}, z.std(), 1e-12); // constant feature: std 1, not 0
    LoadedData zTrain = trainData.preprocessed(z);
    LoadedData zTest = testData.preprocessed(z);
    double[][] t = rows(zTest);
    assertArrayEquals(new double[] {1, 0 / std, 1}, t[0], 1e-12);
    assertArrayEquals(new double[] {0, 5 / std, 0}, t[1], 1e-12);
    assertArrayEquals(new double[] {0, -3 / std, 0}, rows(zTrain)[0], 1e-12);
    assertArrayEquals(trainData.partitionRows(), zTrain.partitionRows());
    zTrain.unpersist();
    zTest.unpersist();
  }
}
