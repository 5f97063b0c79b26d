package polyak.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import polyak.spec.ActivationKind;
import polyak.spec.Initialiser;

/**
 * Each layer alone: with f(X) = Σ G ∘ layer(X) for a random upstream gradient G, the input gradient
 * returned by {@code backward} and the parameter gradient it adds are compared with centered
 * differences on every input element and every parameter (same relative-error rule as {@link
 * polyak.check.GradientCheck}, bound 1e-6). Inputs are seeded Gaussians; the test asserts they keep
 * 1e-4 away from ReLU kinks and maxout ties.
 */
class LayerGradientTest {
  private static final int ROWS = 6;
  private static final double STEP = 1e-5;
  private static final double FLOOR = 1e-4;

  /** A layer, the size of its parameter and state vectors, and the pass to use. */
  record Case(Layer layer, int params, int state, boolean training, double kinkMargin) {}

  static Stream<Arguments> layers() {
    return Stream.of(
        Arguments.of(
            "dense (ejml)",
            (Supplier<Case>)
                () ->
                    new Case(
                        new DenseLayer(
                            5,
                            7,
                            0,
                            35,
                            Initialiser.XAVIER_NORMAL,
                            0.01,
                            new polyak.nn.kernel.EjmlDenseKernel()),
                        42,
                        0,
                        true,
                        0)),
        Arguments.of(
            "dense (java blas)",
            (Supplier<Case>)
                () ->
                    new Case(
                        new DenseLayer(
                            5,
                            7,
                            0,
                            35,
                            Initialiser.XAVIER_NORMAL,
                            0.01,
                            polyak.nn.kernel.DenseKernels.choose("java").factory().get()),
                        42,
                        0,
                        true,
                        0)),
        activation(ActivationKind.SIGMOID, 0),
        activation(ActivationKind.TANH, 0),
        activation(ActivationKind.RELU, 0),
        activation(ActivationKind.LEAKY_RELU, 0.1),
        activation(ActivationKind.ELU, 0.7),
        activation(ActivationKind.IDENTITY, 0),
        Arguments.of(
            "maxout 2", (Supplier<Case>) () -> new Case(new MaxoutLayer(6, 2), 0, 0, true, 0)),
        Arguments.of(
            "maxout 3", (Supplier<Case>) () -> new Case(new MaxoutLayer(9, 3), 0, 0, true, 0)),
        Arguments.of(
            "batchnorm training",
            (Supplier<Case>) () -> new Case(new BatchNormLayer(6, 0, 6, 0, 1e-5), 12, 12, true, 0)),
        Arguments.of(
            "batchnorm inference",
            (Supplier<Case>)
                () -> new Case(new BatchNormLayer(6, 0, 6, 0, 1e-5), 12, 12, false, 0)),
        Arguments.of(
            "layernorm",
            (Supplier<Case>) () -> new Case(new LayerNormLayer(6, 0, 6, 1e-5), 12, 0, true, 0)),
        Arguments.of(
            "groupnorm 3",
            (Supplier<Case>) () -> new Case(new GroupNormLayer(6, 3, 0, 6, 1e-5), 12, 0, true, 0)),
        Arguments.of(
            "groupnorm 2",
            (Supplier<Case>) () -> new Case(new GroupNormLayer(8, 2, 0, 8, 1e-5), 16, 0, true, 0)),
        Arguments.of(
            "dropout", (Supplier<Case>) () -> new Case(new DropoutLayer(6, 0.7, 3), 0, 0, true, 0)),
        Arguments.of(
            "dropout inference",
            (Supplier<Case>) () -> new Case(new DropoutLayer(6, 0.7, 3), 0, 0, false, 0)));
  }

  private static Arguments activation(ActivationKind kind, double alpha) {
    return Arguments.of(
        kind.key(),
        (Supplier<Case>)
            () ->
                new Case(
                    new ActivationLayer(6, kind, alpha), 0, 0, true, kind.reluFamily() ? 1e-4 : 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void inputAndParameterGradients(String name, Supplier<Case> make) {
    Case c = make.get();
    Layer layer = c.layer();
    SplittableRandom rng = new SplittableRandom(name.hashCode());
    double[] params = TestNets.gaussian(rng, c.params(), 0.7);
    double[] state = new double[c.state()];
    for (int j = 0; j < c.state() / 2; j++) {
      state[j] = 0.3 * j - 0.5; // running mean
      state[c.state() / 2 + j] = 0.5 + 0.2 * j; // running variance
    }
    if (layer instanceof BatchNormLayer
        || layer instanceof LayerNormLayer
        || layer instanceof GroupNormLayer) {
      for (int j = 0; j < layer.inputWidth(); j++) {
        params[j] += 1.0; // γ around 1
      }
    }
    DMatrixRMaj x = new DMatrixRMaj(ROWS, layer.inputWidth());
    x.data = TestNets.gaussian(rng, ROWS * layer.inputWidth(), 1.0);
    DMatrixRMaj g = new DMatrixRMaj(ROWS, layer.outputWidth());
    g.data = TestNets.gaussian(rng, ROWS * layer.outputWidth(), 1.0);
    Pass pass = TestNets.pass(c.training(), 99, 10, 11, 12, 13, 14, 15);
    assertAwayFromKinks(layer, x, c.kinkMargin());

    DMatrixRMaj y = layer.forward(params, state, x.copy(), pass);
    double f0 = dot(g, y);
    double[] gradParams = new double[c.params()];
    DMatrixRMaj dx = layer.backward(params, g, gradParams, true).copy();
    double floor = FLOOR * Math.max(1, Math.abs(f0));

    double worst = 0;
    String where = "";
    for (int i = 0; i < x.getNumElements(); i++) {
      double saved = x.data[i];
      x.data[i] = saved + STEP;
      double plus = dot(g, layer.forward(params, state, x.copy(), pass));
      x.data[i] = saved - STEP;
      double minus = dot(g, layer.forward(params, state, x.copy(), pass));
      x.data[i] = saved;
      double numeric = (plus - minus) / (2 * STEP);
      double err = relErr(dx.data[i], numeric, floor);
      if (err > worst) {
        worst = err;
        where = "input " + i + ": analytic " + dx.data[i] + ", numeric " + numeric;
      }
    }
    for (int i = 0; i < params.length; i++) {
      double saved = params[i];
      params[i] = saved + STEP;
      double plus = dot(g, layer.forward(params, state, x.copy(), pass));
      params[i] = saved - STEP;
      double minus = dot(g, layer.forward(params, state, x.copy(), pass));
      params[i] = saved;
      double numeric = (plus - minus) / (2 * STEP);
      double err = relErr(gradParams[i], numeric, floor);
      if (err > worst) {
        worst = err;
        where = "param " + i + ": analytic " + gradParams[i] + ", numeric " + numeric;
      }
    }
    double w = worst;
    String at = where;
    assertTrue(w < 1e-6, () -> name + ": max relative error " + w + " at " + at);
  }

  private static void assertAwayFromKinks(Layer layer, DMatrixRMaj x, double margin) {
    for (double v : x.data) {
      assertTrue(
          Math.abs(v) >= margin,
          () -> "input " + v + " within " + margin + " of the kink: change the seed");
    }
    if (layer instanceof MaxoutLayer) {
      int pieces = layer.inputWidth() / layer.outputWidth();
      for (int base = 0; base < x.getNumElements(); base += pieces) {
        for (int a = 0; a < pieces; a++) {
          for (int b = a + 1; b < pieces; b++) {
            double gap = Math.abs(x.data[base + a] - x.data[base + b]);
            assertTrue(gap >= 1e-4, () -> "maxout pieces " + gap + " apart: change the seed");
          }
        }
      }
    }
  }

  private static double relErr(double a, double n, double floor) {
    return Math.abs(a - n) / Math.max(floor, Math.max(Math.abs(a), Math.abs(n)));
  }

  private static double dot(DMatrixRMaj a, DMatrixRMaj b) {
    double s = 0;
    for (int i = 0; i < a.getNumElements(); i++) {
      s += a.data[i] * b.data[i];
    }
    return s;
  }
}
