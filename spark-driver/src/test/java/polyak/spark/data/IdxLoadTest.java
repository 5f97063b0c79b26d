package polyak.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.data.PixelScaling;
import polyak.spark.SparkTestSession;

class IdxLoadTest {
  private static final String DIR = "/usr/share/datasets/fashion-mnist/";
  private static final DataSource T10K =
      DataSource.idx(DIR + "t10k-images-idx3-ubyte.gz", DIR + "t10k-labels-idx1-ubyte.gz", 10);
  private static final int ROW = 4321;

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("idx-load");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void fashionMnistTestSetLoadsIdenticallyIntoAnyPartitioning() {
    double[] reference = null;
    int referenceLabel = -1;
    for (int partitions : new int[] {1, 3, 8}) {
      LoadedData data = TrainingData.load(spark, T10K, partitions);
      try {
        assertEquals(10000, data.rows());
        assertEquals(784, data.width());
        assertEquals(partitions, data.partitions());
        assertEquals(partitions, data.blocks().getNumPartitions());
        int[] rows = data.partitionRows();
        assertEquals(10000, Arrays.stream(rows).sum());
        List<Dataset> blocks = data.blocks().collect();
        assertEquals(partitions, blocks.size());
        long base = 0;
        for (int p = 0; p < partitions; p++) {
          assertEquals(base, blocks.get(p).baseId(), "baseId of partition " + p);
          assertEquals(rows[p], blocks.get(p).rows());
          base += rows[p];
        }
        Dataset holder =
            blocks.stream()
                .filter(b -> b.baseId() <= ROW && ROW < b.baseId() + b.rows())
                .findFirst()
                .orElseThrow();
        int local = (int) (ROW - holder.baseId());
        double[] features = Arrays.copyOfRange(holder.features(), local * 784, (local + 1) * 784);
        if (reference == null) {
          reference = features;
          referenceLabel = holder.labels()[local];
          assertTrue(
              Arrays.stream(features).allMatch(v -> v >= 0 && v <= 255 && v == Math.rint(v)));
          assertTrue(Arrays.stream(features).max().getAsDouble() > 100, "raw pixels, not scaled");
        } else {
          assertArrayEquals(
              reference, features, "row " + ROW + " with " + partitions + " partitions");
          assertEquals(referenceLabel, holder.labels()[local]);
        }
      } finally {
        data.unpersist();
      }
    }
  }

  @Test
  void limitKeepsTheFirstRowsAndPixelScalingDividesBy255() {
    LoadedData raw = TrainingData.load(spark, T10K.withLimit(1001), 2);
    assertEquals(1001, raw.rows());
    assertArrayEquals(new int[] {500, 501}, raw.partitionRows());
    double[] first = raw.blocks().first().features().clone();
    LoadedData scaled = raw.preprocessed(PixelScaling.INSTANCE);
    double[] scaledFirst = scaled.blocks().first().features();
    for (int i = 0; i < first.length; i++) {
      assertEquals(first[i] / 255.0, scaledFirst[i], 1e-15);
    }
    assertEquals(0, scaled.blocks().first().baseId());
    scaled.unpersist();
  }

  @Test
  void defaultPartitionCountIsTheDefaultParallelism() {
    LoadedData data = TrainingData.load(spark, T10K.withLimit(100));
    assertEquals(spark.sparkContext().defaultParallelism(), data.partitions());
    data.unpersist();
  }

  @Test
  void widthMismatchWithTheNetworkNamesTheFile() {
    LoadedData data = TrainingData.load(spark, T10K.withLimit(10), 1);
    DataException e = assertThrows(DataException.class, () -> data.checkWidth(100));
    assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz: row 1"), e.getMessage());
    assertTrue(
        e.getMessage().contains("784 features") && e.getMessage().contains("100"), e.getMessage());
    data.checkWidth(784);
    data.unpersist();
  }

  @Test
  void labelOutOfRangeNamesTheLabelsFileAndRow(@TempDir Path dir) throws IOException {
    Path images = dir.resolve("images.idx");
    Path labels = dir.resolve("labels.idx");
    writeIdx(images, new int[] {5, 2, 2}, new byte[20]);
    writeIdx(labels, new int[] {5}, new byte[] {0, 1, 2, 12, 3});
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                TrainingData.load(
                    spark, DataSource.idx(images.toString(), labels.toString(), 10), 2));
    assertTrue(
        e.getMessage().startsWith("file:" + labels + ": row 4: label 12 outside [0, 10)"),
        e.getMessage());
  }

  @Test
  void truncatedImagesFileIsReported(@TempDir Path dir) throws Exception {
    Path images = dir.resolve("images.idx");
    Path labels = dir.resolve("labels.idx");
    writeIdx(images, new int[] {5, 2, 2}, new byte[17]);
    writeIdx(labels, new int[] {5}, new byte[5]);
    // the fault comes back from the task as a value: no Spark task fails (no trace logged, no
    // retries)
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
      DataException e =
          assertThrows(
              DataException.class,
              () ->
                  TrainingData.load(
                      spark, DataSource.idx(images.toString(), labels.toString(), 10), 2));
      assertTrue(
          e.getMessage().contains("images.idx: truncated") && e.getMessage().contains("row 5"),
          e.getMessage());
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertEquals(0, failed.get());
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  @Test
  void missingFileNamesThePath(@TempDir Path dir) {
    String missing = dir.resolve("nope-images.gz").toString();
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                TrainingData.load(
                    spark, DataSource.idx(missing, DIR + "t10k-labels-idx1-ubyte.gz", 10), 2));
    assertTrue(e.getMessage().startsWith(missing + ": no data files"), e.getMessage());
  }

  private static void writeIdx(Path file, int[] dims, byte[] data) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new FileOutputStream(file.toFile()))) {
      out.writeInt(0x0800 | dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }
}
