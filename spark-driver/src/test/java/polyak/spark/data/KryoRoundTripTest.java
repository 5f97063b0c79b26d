package polyak.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.spark.SparkTestSession;
import scala.reflect.ClassTag$;

class KryoRoundTripTest {
  private static final String DIR = "/usr/share/datasets/fashion-mnist/";
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("kryo");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void datasetSurvivesSerializedCachingAndCollect() {
    LoadedData data =
        TrainingData.load(
            spark,
            DataSource.idx(DIR + "t10k-images-idx3-ubyte.gz", DIR + "t10k-labels-idx1-ubyte.gz", 10)
                .withLimit(300),
            3);
    List<Dataset> direct = data.blocks().collect();
    JavaRDD<Dataset> serialized = data.blocks().map(b -> b).persist(StorageLevel.MEMORY_ONLY_SER());
    serialized.count();
    List<Dataset> again = serialized.collect();
    for (int p = 0; p < 3; p++) {
      Dataset a = direct.get(p);
      Dataset b = again.get(p);
      assertNotSame(a, b);
      assertEquals(a.source(), b.source());
      assertEquals(a.baseId(), b.baseId());
      assertEquals(a.rows(), b.rows());
      assertEquals(a.width(), b.width());
      assertEquals(a.classes(), b.classes());
      assertArrayEquals(a.features(), b.features());
      assertArrayEquals(a.labels(), b.labels());
    }
    serialized.unpersist();
    data.unpersist();
  }

  @Test
  void batchResultRecordRoundTripsThroughATaskResult() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    BatchResult sum =
        sc.parallelize(List.of(1, 2, 3, 4), 2)
            .map(i -> new BatchResult(i * 0.5, i, 10))
            .reduce(BatchResult::plus);
    assertEquals(new BatchResult(5.0, 10, 40), sum);
  }

  @Test
  void registratorCoversTheArraysAndBlocksDirectly() {
    SerializerInstance kryo = new KryoSerializer(spark.sparkContext().getConf()).newInstance();
    Dataset d = Dataset.classification("x", 2, new double[] {1, 2, 3, 4}, new int[] {0, 1}, 2, 40);
    ByteBuffer bytes = kryo.serialize(d, ClassTag$.MODULE$.apply(Dataset.class));
    Dataset back = kryo.deserialize(bytes, ClassTag$.MODULE$.apply(Dataset.class));
    assertEquals(40, back.baseId());
    assertArrayEquals(d.features(), back.features());
    int[][] nested = {{1}, {2, 3}};
    assertArrayEquals(
        nested,
        kryo.<int[][]>deserialize(
            kryo.serialize(nested, ClassTag$.MODULE$.apply(int[][].class)),
            ClassTag$.MODULE$.apply(int[][].class)));
  }
}
