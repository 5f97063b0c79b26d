package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import polyak.spark.SparkTestSession;

class PartitionTaskTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.start("PartitionTaskTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Each partition's index and its rows, in order. */
  static final class Describe implements Function2<Integer, Iterator<Integer>, Iterator<String>> {
    @Override
    public Iterator<String> call(Integer index, Iterator<Integer> rows) {
      List<Integer> seen = new ArrayList<>();
      rows.forEachRemaining(seen::add);
      return List.of(index + ":" + seen).iterator();
    }
  }

  @Test
  void givesWhatJavaRddMapPartitionsWithIndexGivesOnUnevenPartitions() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Integer> rows = sc.parallelize(IntStream.range(0, 11).boxed().toList(), 3);
    List<String> expected = rows.mapPartitionsWithIndex(new Describe(), true).collect();
    List<String> actual = PartitionTask.map(rows, new Describe(), true).collect();
    assertEquals(expected, actual);
    assertEquals(3, actual.size());
  }
}
