package polyak.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import polyak.data.Dataset;

/**
 * {@link polyak.check.GradientCheck} (mean-loss gradient vs centered differences, per parameter) on
 * every layer type and loss, alone and stacked. Every layer under test sits between two dense
 * layers (or after one), so the first dense layer's weight gradient also checks the layer's input
 * gradient. Data and parameters come from fixed seeds; {@link TestNets#assertAwayFromKinks} asserts
 * that no ReLU-family input or maxout tie is within 1e-4 of a kink for these seeds.
 */
class NetworkGradientCheckTest {

  static Stream<Arguments> regressionNets() {
    return Stream.of(
        Arguments.of("dense", "input 6\ndense 4 init=xavier_normal\nloss mse"),
        Arguments.of("sigmoid", "input 6\ndense 8\nsigmoid\ndense 3\nloss mse"),
        Arguments.of("tanh", "input 6\ndense 8\ntanh\ndense 3\nloss mse"),
        Arguments.of("relu", "input 6\ndense 8\nrelu\ndense 3\nloss mse"),
        Arguments.of("leaky_relu", "input 6\ndense 8\nleaky_relu 0.1\ndense 3\nloss mse"),
        Arguments.of("elu", "input 6\ndense 8\nelu 0.7\ndense 3\nloss mse"),
        Arguments.of("identity", "input 6\ndense 8\nidentity\ndense 3\nloss mse"),
        Arguments.of("maxout 2", "input 6\ndense 8\nmaxout 2\ndense 3\nloss mse"),
        Arguments.of("maxout 3", "input 5\ndense 12\nmaxout 3\ndense 3\nloss mse"),
        Arguments.of("batchnorm", "input 6\ndense 8\nbatchnorm\ndense 3\nloss mse"),
        Arguments.of(
            "batchnorm last", "input 6\ndense 4\nbatchnorm momentum=0.5 eps=0.001\nloss mse"),
        Arguments.of("layernorm", "input 6\ndense 8\nlayernorm\ndense 3\nloss mse"),
        Arguments.of("layernorm last", "input 6\ndense 4\nlayernorm eps=0.001\nloss mse"),
        Arguments.of("groupnorm", "input 6\ndense 8\ngroupnorm 4\ndense 3\nloss mse"),
        Arguments.of("groupnorm last", "input 6\ndense 6\ngroupnorm 3 eps=0.001\nloss mse"),
        Arguments.of("dropout", "input 6\ndense 8\ndropout 0.7\ndense 3\nloss mse"),
        Arguments.of("mse", "input 7\ndense 3\nloss mse"),
        Arguments.of(
            "stacked layernorm/tanh/maxout",
            "input 6\ndense 8\nlayernorm\ntanh\ndense 6\nmaxout 2\nloss mse"),
        Arguments.of(
            "stacked everything",
            "input 8\ndense 12\nbatchnorm\nleaky_relu 0.05\ndense 9\nmaxout 3\n"
                + "layernorm\nelu 1.0\ndropout 0.6\ndense 6\nsigmoid\ndense 2\nloss mse"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("regressionNets")
  void regressionNetworks(String name, String spec) {
    Network net = TestNets.net(spec);
    Dataset data = TestNets.regression(11, 8, net.spec().inputWidth(), net.spec().outputWidth());
    TestNets.assertGradientOk(net, TestNets.params(net, 3), data);
  }

  static Stream<Arguments> classificationNets() {
    return Stream.of(
        Arguments.of("softmax_ce", "input 6\ndense 4\nloss softmax_ce"),
        Arguments.of("softmax_ce smoothing", "input 6\ndense 4\nloss softmax_ce smoothing=0.2"),
        Arguments.of(
            "softmax_ce hidden", "input 5\ndense 7\ntanh\ndense 3\nloss softmax_ce smoothing=0.05"),
        Arguments.of("mse on one-hot labels", "input 6\ndense 4\nloss mse"),
        Arguments.of(
            "stacked batchnorm/relu/dropout",
            "input 7\ndense 10\nbatchnorm\nrelu\ndropout 0.8\ndense 4\nloss softmax_ce smoothing=0.1"),
        Arguments.of(
            "stacked groupnorm/relu",
            "input 7\ndense 12\ngroupnorm 4\nrelu\ndense 4\nloss softmax_ce"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("classificationNets")
  void classificationNetworks(String name, String spec) {
    Network net = TestNets.net(spec);
    Dataset data =
        TestNets.classification(12, 9, net.spec().inputWidth(), net.spec().outputWidth());
    TestNets.assertGradientOk(net, TestNets.params(net, 4), data);
  }

  /** L1 is smooth only away from f = y: the targets are placed 0.5 to 1.5 away from the outputs. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("l1Nets")
  void l1(String name, String spec) {
    Network net = TestNets.net(spec);
    double[] params = TestNets.params(net, 5);
    Dataset probe = TestNets.regression(13, 7, net.spec().inputWidth(), net.spec().outputWidth());
    double[] out = new double[probe.rows() * net.spec().outputWidth()];
    net.predict(params, new double[net.stateSize()], probe, 0, probe.rows(), out);
    SplittableRandom rng = new SplittableRandom(14);
    double[] targets = new double[out.length];
    for (int i = 0; i < out.length; i++) {
      targets[i] = out[i] + (rng.nextBoolean() ? 1 : -1) * (0.5 + rng.nextDouble());
    }
    Dataset data =
        Dataset.regression(
            "l1",
            probe.width(),
            probe.features(),
            net.spec().outputWidth(),
            targets,
            probe.baseId());
    TestNets.assertGradientOk(net, params, data);
  }

  static Stream<Arguments> l1Nets() {
    return Stream.of(
        Arguments.of("l1", "input 6\ndense 3\nloss l1"),
        Arguments.of("l1 hidden", "input 6\ndense 8\ntanh\ndense 3\nloss l1"));
  }

  /**
   * Different seeds and batch sizes on the classification stack, to avoid one lucky configuration.
   */
  @Test
  void stackedBatchNormAcrossSeeds() {
    Network net =
        TestNets.net(
            "input 5\ndense 6\nbatchnorm\nrelu\ndropout 0.8\ndense 3\nloss softmax_ce smoothing=0.1");
    for (int rows : new int[] {4, 10}) {
      Dataset data = TestNets.classification(20 + rows, rows, 5, 3);
      TestNets.assertGradientOk(net, TestNets.params(net, 30 + rows), data);
    }
  }

  @Test
  void reportNamesEverySegment() {
    Network net = TestNets.net("input 6\ndense 8\nbatchnorm\ndense 3\nloss mse");
    Dataset data = TestNets.regression(11, 6, 6, 3);
    var report = TestNets.check(net, TestNets.params(net, 3), data);
    assertTrue(report.segments().size() == net.layout().segments().size());
    assertTrue(report.toString().contains("layer1.gamma"), report::toString);
  }
}
