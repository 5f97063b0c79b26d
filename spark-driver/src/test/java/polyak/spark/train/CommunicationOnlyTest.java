package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.spark.SparkTestSession;
import polyak.spec.SpecParser;
import polyak.train.AdversarialSpec;
import polyak.train.GradientResult;

/**
 * The bench's communication-only iteration: each task returns a gradient of θ's full size (fixed
 * values, not zeros, so the shuffle cannot compress them away) without running the network, through
 * the source's own aggregation.
 */
class CommunicationOnlyTest {
  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("communication-only");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void taskReturnsAGradientOfTheFullSizeWithoutExamples() throws Exception {
    double[] params = new double[1234];
    Arrays.fill(params, 0.5);
    Broadcast<ModelBroadcast> b = sc.broadcast(new ModelBroadcast(params, new double[7]));
    Iterator<PartialGradient> out =
        new CommunicationOnly.NoComputeGradient(b).call(3, Collections.emptyIterator());
    PartialGradient g = out.next();
    assertEquals(3, g.partition());
    assertEquals(1234, g.gradient().length);
    assertArrayEquals(CommunicationOnly.payload(1234), g.gradient());
    long distinct = Arrays.stream(g.gradient()).distinct().count();
    assertTrue(distinct > 1200, "not compressible: " + distinct + " distinct values");
    assertArrayEquals(new double[7], g.normStats());
    assertEquals(0, g.count());
    assertEquals(false, out.hasNext());
    b.destroy();
  }

  @Test
  void directAndShardedJobsAddEveryPartitionsGradientOverTheWholeVector() {
    Network network =
        Network.build(
            SpecParser.network(
                "t", "input 6\ndense 5\nbatchnorm\nrelu\ndense 3\nloss softmax_ce\n"));
    double[] params = new double[network.parameterCount()];
    double[] state = new double[network.stateSize()];
    network.initialise(1, params, state);
    double[] x = new double[3 * 10 * 6];
    int[] y = new int[30];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 7;
    }
    Dataset all = Dataset.classification("t", 6, x, y, 3, 0);
    List<Dataset> blocks = new ArrayList<>(List.of(all.slice(0, 10), all.slice(10, 20)));
    JavaRDD<Dataset> data = sc.parallelize(blocks, 2).cache();
    for (Aggregation a :
        List.of(
            new Aggregation(Aggregation.Mode.DIRECT, 0),
            new Aggregation(Aggregation.Mode.SHARDED, 3))) {
      SparkGradientSource source =
          new SparkGradientSource(
              sc, network, data, new int[] {10, 20}, null, 1, 8, a, AdversarialSpec.NONE, null, 1);
      double[] g = new double[params.length];
      double[] s = new double[state.length];
      GradientResult r = CommunicationOnly.gradient(source, 0, params, state, g, s);
      double[] twice = CommunicationOnly.payload(params.length).clone();
      for (int i = 0; i < twice.length; i++) {
        twice[i] += twice[i];
      }
      // two partitions: 0 + v + v, element by element over the whole vector
      assertArrayEquals(twice, g, a.describe());
      assertArrayEquals(new double[s.length], s, a.describe());
      assertEquals(0, r.batch().count(), a.describe());
      source.close();
    }
  }
}
