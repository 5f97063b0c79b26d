package polyak.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import polyak.check.GradientCheck;
import polyak.data.Dataset;

/**
 * d(loss)/d(input) from {@link Network#gradient} against centered differences in every input
 * element ({@link GradientCheck#checkInput}, bound 1e-6), on every layer type, with a layer
 * directly at the input as well as behind a dense layer.
 */
class InputGradientTest {

  static Stream<Arguments> nets() {
    return Stream.of(
        Arguments.of("dense mse", "input 6\ndense 4 init=xavier_normal\nloss mse", false),
        Arguments.of(
            "tanh/sigmoid", "input 6\ndense 8\ntanh\ndense 5\nsigmoid\ndense 3\nloss mse", false),
        Arguments.of(
            "relu/maxout", "input 5\ndense 12\nrelu\ndense 6\nmaxout 2\ndense 3\nloss mse", false),
        Arguments.of("batchnorm", "input 6\ndense 8\nbatchnorm\nelu 0.7\ndense 3\nloss mse", false),
        Arguments.of("layernorm at the input", "input 6\nlayernorm\ndense 3\nloss mse", false),
        Arguments.of("groupnorm at the input", "input 6\ngroupnorm 3\ndense 3\nloss mse", false),
        Arguments.of(
            "dropout at the input",
            "input 6\ndropout 0.7\ndense 8\nleaky_relu 0.1\ndense 3\nloss mse",
            false),
        Arguments.of(
            "softmax_ce",
            "input 7\ndense 10\nbatchnorm\nrelu\ndropout 0.8\ndense 4\nloss softmax_ce"
                + " smoothing=0.1",
            true),
        Arguments.of(
            "softmax_ce groupnorm",
            "input 7\ndense 12\ngroupnorm 4\ntanh\ndense 4\nloss softmax_ce",
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nets")
  void inputGradientMatchesCenteredDifferences(String name, String spec, boolean classification) {
    Network net = TestNets.net(spec);
    int in = net.spec().inputWidth();
    Dataset data =
        classification
            ? TestNets.classification(12, 9, in, net.spec().outputWidth())
            : TestNets.regression(11, 8, in, net.spec().outputWidth());
    double[] params = TestNets.params(net, 3);
    TestNets.assertAwayFromKinks(net, params, data, 1e-4);
    GradientCheck.InputError e =
        new GradientCheck()
            .checkInput(net, params, new double[net.stateSize()], data, TestNets.PASS_SEED);
    assertTrue(e.maxRelativeError() < 1e-6, () -> name + ": " + e);
  }

  /**
   * Asking for the input gradient changes neither the loss nor the parameter gradient, bit for bit.
   */
  @Test
  void parameterGradientIsUnchangedWhenTheInputGradientIsAskedFor() {
    Network net =
        TestNets.net("input 7\ndense 10\nbatchnorm\nrelu\ndropout 0.8\ndense 4\nloss softmax_ce");
    Dataset data = TestNets.classification(5, 9, 7, 4);
    double[] params = TestNets.params(net, 6);
    double[] plain = new double[params.length];
    double[] with = new double[params.length];
    double[] stats = new double[net.stateSize()];
    double[] stats2 = new double[net.stateSize()];
    BatchResult a =
        net.gradient(params, new double[stats.length], data, null, 0, 9, 1L, plain, stats);
    double[] dx = new double[9 * 7];
    BatchResult b =
        net.gradient(
            params, new double[stats.length], data, null, 0, 9, 1L, with, stats2, null, dx);
    assertEquals(a, b);
    assertArrayEquals(plain, with, 0.0);
    assertArrayEquals(stats, stats2, 0.0);
    assertTrue(java.util.Arrays.stream(dx).anyMatch(v -> v != 0));
  }
}
