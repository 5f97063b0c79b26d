package polyak.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import polyak.spec.Initialiser;

/** Seeded initialisation, initialiser scales, and the flat parameter layout. */
class InitialisationAndLayoutTest {

  private static final String NET =
      "input 6\ndense 10\nbatchnorm\nrelu\ndense 8 init=he_uniform\nlayernorm\n"
          + "tanh\ndropout 0.5\ndense 6\nmaxout 2\ndense 3\nloss softmax_ce";

  @Test
  void initialisationIsSeededAndReproducible() {
    Network net = TestNets.net(NET);
    double[] a = new double[net.parameterCount()];
    double[] b = new double[net.parameterCount()];
    double[] c = new double[net.parameterCount()];
    net.initialise(42, a, new double[net.stateSize()]);
    TestNets.net(NET).initialise(42, b, new double[net.stateSize()]);
    net.initialise(43, c, new double[net.stateSize()]);
    assertArrayEquals(a, b, "same seed, same parameters");
    for (ParameterSegment s : net.layout().segments()) {
      if (s.kind() == ParameterKind.WEIGHT) {
        assertFalse(
            Arrays.equals(
                Arrays.copyOfRange(a, s.offset(), s.end()),
                Arrays.copyOfRange(c, s.offset(), s.end())),
            s.name() + " identical under different seeds");
      }
    }
  }

  @Test
  void biasesZeroNormScaleOneShiftZero() {
    Network net = TestNets.net(NET);
    double[] p = new double[net.parameterCount()];
    Arrays.fill(p, 9.0);
    net.initialise(7, p, new double[net.stateSize()]);
    for (ParameterSegment s : net.layout().segments()) {
      double expected =
          switch (s.kind()) {
            case BIAS, NORM_SHIFT -> 0.0;
            case NORM_SCALE -> 1.0;
            case WEIGHT -> Double.NaN;
          };
      for (int i = s.offset(); i < s.end(); i++) {
        if (s.kind() == ParameterKind.WEIGHT) {
          assertFalse(p[i] == 9.0, s.name() + " not initialised");
        } else {
          assertEquals(expected, p[i], s.name() + "[" + (i - s.offset()) + "]");
        }
      }
    }
  }

  /**
   * Empirical std of a 400 × 500 layer vs the formula; the std of a sample std is σ/√(2n) ≈ 0.16%.
   */
  @ParameterizedTest
  @EnumSource(
      value = Initialiser.class,
      names = {"XAVIER_NORMAL", "XAVIER_UNIFORM", "HE_NORMAL", "HE_UNIFORM", "NORMAL"})
  void initialiserScale(Initialiser init) {
    int in = 400;
    int out = 500;
    double[] w = new double[in * out + 3];
    init.fill(w, 3, in, out, 0.05, new SplittableRandom(5));
    double expected =
        switch (init) {
          case XAVIER_NORMAL, XAVIER_UNIFORM -> Math.sqrt(2.0 / (in + out));
          case HE_NORMAL, HE_UNIFORM -> Math.sqrt(2.0 / in);
          case NORMAL -> 0.05;
          default -> throw new AssertionError();
        };
    assertArrayEquals(new double[3], Arrays.copyOf(w, 3), "wrote before the offset");
    int n = in * out;
    double mean = 0;
    for (int i = 3; i < w.length; i++) {
      mean += w[i] / n;
    }
    double var = 0;
    double max = 0;
    for (int i = 3; i < w.length; i++) {
      var += (w[i] - mean) * (w[i] - mean) / (n - 1);
      max = Math.max(max, Math.abs(w[i]));
    }
    double std = Math.sqrt(var);
    assertEquals(0.0, mean, 5 * expected / Math.sqrt(n), "mean");
    assertEquals(expected, std, 0.01 * expected, "std");
    if (init == Initialiser.XAVIER_UNIFORM || init == Initialiser.HE_UNIFORM) {
      assertEquals(expected * Math.sqrt(3), max, 0.001 * expected, "uniform limit");
    }
  }

  @Test
  void zerosAndAuto() {
    double[] w = {1, 2, 3, 4};
    Initialiser.ZEROS.fill(w, 0, 2, 2, 0.01, new SplittableRandom(1));
    assertArrayEquals(new double[4], w);
    assertThrows(
        IllegalStateException.class,
        () -> Initialiser.AUTO.fill(w, 0, 2, 2, 0.01, new SplittableRandom(1)));
  }

  /**
   * AUTO: He before a ReLU-family activation or maxout (past normalisation and dropout), else
   * Xavier.
   */
  @Test
  void autoPicksHeOrXavier() {
    Network net =
        TestNets.net(
            "input 300\ndense 300\nbatchnorm\ndropout 0.5\nrelu\ndense 300\ntanh\n"
                + "dense 300\nmaxout 2\ndense 2\nloss mse");
    double[] p = new double[net.parameterCount()];
    net.initialise(3, p, new double[net.stateSize()]);
    double he = Math.sqrt(2.0 / 300);
    double xavier = Math.sqrt(2.0 / 600);
    assertEquals(
        he, std(p, net.layout().segments().get(0)), 0.02 * he, "dense before batchnorm → relu");
    assertEquals(
        xavier, std(p, net.layout().segmentsOfLayer(4).get(0)), 0.02 * xavier, "dense before tanh");
    assertEquals(
        he, std(p, net.layout().segmentsOfLayer(6).get(0)), 0.02 * he, "dense before maxout");
  }

  private static double std(double[] p, ParameterSegment s) {
    double ss = 0;
    for (int i = s.offset(); i < s.end(); i++) {
      ss += p[i] * p[i];
    }
    return Math.sqrt(ss / s.length());
  }

  @Test
  void layoutIsWeightsBiasesThenNormInLayerOrderAndContiguous() {
    Network net = TestNets.net(NET);
    ParameterLayout layout = net.layout();
    List<ParameterSegment> segs = layout.segments();
    List<String> names = segs.stream().map(ParameterSegment::name).toList();
    assertEquals(
        List.of(
            "layer0.weight",
            "layer0.bias",
            "layer1.gamma",
            "layer1.beta",
            "layer3.weight",
            "layer3.bias",
            "layer4.gamma",
            "layer4.beta",
            "layer7.weight",
            "layer7.bias",
            "layer9.weight",
            "layer9.bias"),
        names);
    List<ParameterKind> kinds = segs.stream().map(ParameterSegment::kind).toList();
    assertEquals(
        List.of(
            ParameterKind.WEIGHT,
            ParameterKind.BIAS,
            ParameterKind.NORM_SCALE,
            ParameterKind.NORM_SHIFT,
            ParameterKind.WEIGHT,
            ParameterKind.BIAS,
            ParameterKind.NORM_SCALE,
            ParameterKind.NORM_SHIFT,
            ParameterKind.WEIGHT,
            ParameterKind.BIAS,
            ParameterKind.WEIGHT,
            ParameterKind.BIAS),
        kinds);
    // shapes: weights fan-in × fan-out; biases and norm parameters 1 × width
    int[][] shapes = {
      {6, 10}, {1, 10}, {1, 10}, {1, 10}, {10, 8}, {1, 8}, {1, 8}, {1, 8}, {8, 6}, {1, 6}, {3, 3},
      {1, 3}
    };
    int next = 0;
    int sum = 0;
    for (int i = 0; i < segs.size(); i++) {
      ParameterSegment s = segs.get(i);
      assertEquals(shapes[i][0], s.rows(), s.name() + " rows");
      assertEquals(shapes[i][1], s.cols(), s.name() + " cols");
      assertEquals(next, s.offset(), s.name() + " offset");
      next = s.end();
      sum += s.length();
    }
    assertEquals(sum, layout.size());
    assertEquals(next, layout.size());
    assertEquals(layout.size(), net.parameterCount());
    assertEquals(2 * 10, net.stateSize());
    assertEquals(List.of(segs.get(4), segs.get(5)), layout.segmentsOfLayer(3));
    assertEquals(List.of(), layout.segmentsOfLayer(2));
    assertEquals(segs.get(0), layout.segmentAt(0));
    assertEquals(segs.get(1), layout.segmentAt(60));
    assertEquals(segs.get(11), layout.segmentAt(layout.size() - 1));
    assertThrows(IndexOutOfBoundsException.class, () -> layout.segmentAt(layout.size()));
  }
}
