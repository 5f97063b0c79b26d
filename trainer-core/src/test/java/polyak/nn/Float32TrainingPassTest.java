package polyak.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.nn.kernel.DenseKernels;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;

/** A float32 network's training pass against float64: the same gradient to float32 round-off. */
class Float32TrainingPassTest {
  static final NetworkSpec SPEC =
      SpecParser.network(
          "test",
          """
      input 24
      dense 32
      batchnorm
      relu
      dropout 0.8
      dense 16
      tanh
      dense 5
      loss softmax_ce
      """);

  static double[] gradient(Network net, double[] params, Dataset data, double[] stats) {
    double[] grad = new double[net.parameterCount()];
    net.gradient(params, new double[net.stateSize()], data, null, 0, data.rows(), 7L, grad, stats);
    return grad;
  }

  @ParameterizedTest(name = "kernel {0}")
  @ValueSource(strings = {"ejml", "java"})
  void float32GradientsAgreeWithFloat64ToFloat32RoundOff(String kernel) {
    DenseKernels.Choice k = DenseKernels.choose(kernel);
    Network f64 = Network.build(SPEC, k, Precision.FLOAT64);
    Network f32 = Network.build(SPEC, k, Precision.FLOAT32);
    Dataset data = TestNets.classification(3, 200, 24, 5);
    double[] params = TestNets.params(f64, 11);
    Precision.FLOAT32.round(params); // θ as a float32 run takes its gradient at
    double[] g64 = gradient(f64, params, data, new double[f64.stateSize() * 2]);
    double[] g32 = gradient(f32, params, data, new double[f32.stateSize() * 2]);

    double max = 0;
    double worst = 0;
    for (int i = 0; i < g64.length; i++) {
      max = Math.max(max, Math.abs(g64[i]));
      worst = Math.max(worst, Math.abs(g64[i] - g32[i]));
    }
    // float32 has a 6e-8 unit round-off; sums over 200 rows and three layers stay well within 1e-4
    assertTrue(worst <= 1e-4 * max, "max |g32 - g64| = " + worst + " of max |g| " + max);
    // ... and the float32 path really ran: not the float64 bits
    assertNotEquals(0, Arrays.compare(g64, g32));
    assertTrue(worst > 1e-12 * max, "float32 gradient identical to float64");
  }

  @Test
  void float32RowsGiveTheSameBitsAsRoundingFloat64Rows() {
    Network net = Network.build(SPEC, DenseKernels.choose("ejml"), Precision.FLOAT32);
    Dataset data = TestNets.classification(5, 90, 24, 5);
    double[] params = TestNets.params(net, 2);
    Precision.FLOAT32.round(params);
    double[] fromDouble = gradient(net, params, data, null);
    double[] fromFloat = gradient(net, params, data.toFloat32(), null);
    assertArrayEquals(fromDouble, fromFloat);
  }

  @Test
  void inferenceStaysFloat64() {
    Network f64 = Network.build(SPEC, DenseKernels.choose("ejml"), Precision.FLOAT64);
    Network f32 = Network.build(SPEC, DenseKernels.choose("ejml"), Precision.FLOAT32);
    Dataset data = TestNets.classification(8, 50, 24, 5);
    double[] params = TestNets.params(f64, 4);
    double[] state = new double[f64.stateSize()];
    Arrays.fill(state, 24, 32, 1.0); // running variances
    double[] a = new double[50 * 5];
    double[] b = new double[50 * 5];
    f64.predict(params, state, data, 0, 50, a);
    f32.predict(params, state, data, 0, 50, b);
    assertArrayEquals(a, b);
  }

  @Test
  void inputGradientsOfAFloat32PassAgreeWithFloat64() {
    Network f64 = Network.build(SPEC, DenseKernels.choose("ejml"), Precision.FLOAT64);
    Network f32 = Network.build(SPEC, DenseKernels.choose("ejml"), Precision.FLOAT32);
    Dataset data = TestNets.classification(9, 40, 24, 5);
    double[] params = TestNets.params(f64, 6);
    Precision.FLOAT32.round(params);
    double[] dx64 = new double[40 * 24];
    double[] dx32 = new double[40 * 24];
    double[] shift = new double[40 * 24];
    Arrays.fill(shift, 0.01);
    f64.gradient(
        params,
        new double[f64.stateSize()],
        data,
        null,
        0,
        40,
        3L,
        new double[f64.parameterCount()],
        null,
        shift,
        dx64);
    f32.gradient(
        params,
        new double[f32.stateSize()],
        data,
        null,
        0,
        40,
        3L,
        new double[f32.parameterCount()],
        null,
        shift,
        dx32);
    double max = Arrays.stream(dx64).map(Math::abs).max().orElseThrow();
    for (int i = 0; i < dx64.length; i++) {
      assertEquals(dx64[i], dx32[i], 1e-4 * max);
    }
    assertNotEquals(0, Arrays.compare(dx64, dx32));
  }

  @Test
  void aValueBeyondFloat32NamesItsRowAndFeature() {
    double[] x = new double[2 * 3];
    x[4] = 1e300;
    Dataset data = Dataset.classification("train.csv", 3, x, new int[] {0, 1}, 2, 0);
    DataException e = assertThrows(DataException.class, data::toFloat32);
    assertTrue(
        e.getMessage().startsWith("train.csv: row 1, feature 1: value 1.0E300"), e.getMessage());
  }

  @Test
  void float32FeaturesAreNotHandedOutAsFloat64() {
    Dataset data = TestNets.classification(1, 4, 3, 2).toFloat32();
    assertTrue(data.isFloat32());
    IllegalStateException e = assertThrows(IllegalStateException.class, data::features);
    assertTrue(e.getMessage().contains("float32"), e.getMessage());
    assertEquals(2, data.slice(1, 2).rows());
    assertTrue(data.slice(1, 2).isFloat32());
  }
}
