package polyak.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkSmokeTest {
  @Test
  void localSparkRunsAJobOnTwoPartitions() {
    SparkSession spark = SparkTestSession.start("smoke");
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      int sum = sc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 2).reduce(Integer::sum);
      assertEquals(55, sum);
    } finally {
      spark.stop();
    }
  }
}
