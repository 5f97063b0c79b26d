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
import polyak.nn.Precision;
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
        new CommunicationOnly.NoComputeGradient(b, Precision.FLOAT64)
            .call(3, Collections.emptyIterator());
    PartialGradient g = out.next();
    assertEquals(3, g.partition());
    assertEquals(1234, g.gradient().length);
    assertArrayEquals(CommunicationOnly.payload(1234, Precision.FLOAT64), g.gradient());
    assertEquals(Precision.FLOAT64, g.precision());
    long distinct = Arrays.stream(g.gradient()).distinct().count();
    assertTrue(distinct > 1200, "not compressible: " + distinct + " distinct values");
    assertArrayEquals(new double[7], g.normStats());
    assertEquals(0, g.count());
    assertEquals(false, out.hasNext());
    b.destroy();
  }

  @Test
  void inFloat32TheTaskReturnsFloat32ValuesMarkedToTravelAsFloats() throws Exception {
    double[] params = new double[1234];
    Broadcast<ModelBroadcast> b = sc.broadcast(new ModelBroadcast(params, new double[0]));
    PartialGradient g =
        new CommunicationOnly.NoComputeGradient(b, Precision.FLOAT32)
            .call(0, Collections.emptyIterator())
            .next();
    assertEquals(Precision.FLOAT32, g.precision());
    double[] wide = CommunicationOnly.payload(1234, Precision.FLOAT64);
    long rounded = 0;
    for (int i = 0; i < wide.length; i++) {
      assertEquals((float) wide[i], g.gradient()[i], 0.0, "element " + i);
      rounded += wide[i] != g.gradient()[i] ? 1 : 0;
    }
    assertTrue(rounded > 1200, "the float64 payload was not float32 already: " + rounded);
    long distinct = Arrays.stream(g.gradient()).distinct().count();
    assertTrue(distinct > 1200, "not compressible: " + distinct + " distinct values");
    b.destroy();
  }

  @Test
  void directAndShardedJobsAddEveryPartitionsGradientOverTheWholeVector() {
    for (Precision precision : Precision.values()) {
      directAndShardedAddEveryGradient(
          Network.build(
              SpecParser.network(
                  "t", "input 6\ndense 5\nbatchnorm\nrelu\ndense 3\nloss softmax_ce\n"),
              precision));
    }
  }

  private static void directAndShardedAddEveryGradient(Network network) {
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
      GradientResult r =
          CommunicationOnly.gradient(source, network.precision(), 0, params, state, g, s);
      double[] twice = CommunicationOnly.payload(params.length, network.precision()).clone();
      for (int i = 0; i < twice.length; i++) {
        twice[i] += twice[i];
      }
      // two partitions: 0 + v + v, element by element over the whole vector
      String what = a.describe() + ", " + network.precision();
      assertArrayEquals(twice, g, what);
      assertArrayEquals(new double[s.length], s, what);
      assertEquals(0, r.batch().count(), what);
      // the task path broadcasts θ as float64 whatever the network's precision; the bench counts
      // θ's bytes with BROADCAST_PRECISION, so this must change together with it
      Precision[] broadcast = new Precision[1];
      source.gradient(
          1,
          m -> {
            broadcast[0] = m.value().precision();
            return new CommunicationOnly.NoComputeGradient(m, network.precision());
          },
          params,
          state,
          new double[params.length],
          new double[state.length]);
      assertEquals(CommunicationOnly.BROADCAST_PRECISION, broadcast[0], what);
      source.close();
    }
  }
}
