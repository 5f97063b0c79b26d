package polyak.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import polyak.spec.LossSpec;

/**
 * Loss values and gradients on hand-computed cases, and softmax-CE stability at logits of ±1000.
 */
class LossTest {

  private static DMatrixRMaj row(double... v) {
    return new DMatrixRMaj(1, v.length, true, v);
  }

  @Test
  void softmaxCrossEntropyIsFiniteAndCorrectForHugeLogits() {
    SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(0.0);
    DMatrixRMaj z = row(1000, -1000, 0);
    DMatrixRMaj g = new DMatrixRMaj(1, 1);

    assertEquals(0.0, ce.lossAndGradient(z, new int[] {0}, null, g), 1e-12);
    assertArrayEquals(new double[] {0, 0, 0}, g.data, 1e-12);

    assertEquals(2000.0, ce.lossAndGradient(z, new int[] {1}, null, g), 1e-9);
    assertArrayEquals(new double[] {1, -1, 0}, g.data, 1e-12);

    assertEquals(1000.0, ce.lossAndGradient(z, new int[] {2}, null, g), 1e-9);
    assertArrayEquals(new double[] {1, 0, -1}, g.data, 1e-12);

    // All logits huge and equal: uniform.
    assertEquals(
        Math.log(3), ce.lossAndGradient(row(-1000, -1000, -1000), new int[] {1}, null, g), 1e-12);
    assertArrayEquals(new double[] {1.0 / 3, -2.0 / 3, 1.0 / 3}, g.data, 1e-12);
  }

  @Test
  void labelSmoothingTarget() {
    SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(0.3);
    DMatrixRMaj g = new DMatrixRMaj(1, 1);
    // log p = [0, −2000, −1000]; q = [0.7 + 0.1, 0.1, 0.1]
    double loss = ce.lossAndGradient(row(1000, -1000, 0), new int[] {0}, null, g);
    assertEquals(0.1 * 2000 + 0.1 * 1000, loss, 1e-9);
    assertArrayEquals(new double[] {1 - 0.8, -0.1, -0.1}, g.data, 1e-12);

    // Moderate logits, against a direct computation.
    double[] z = {0.3, -1.2, 2.0, 0.0};
    double lse = Math.log(Arrays.stream(z).map(Math::exp).sum());
    double expected = 0;
    for (int j = 0; j < 4; j++) {
      double q = (j == 2 ? 0.7 : 0) + 0.3 / 4;
      expected -= q * (z[j] - lse);
    }
    assertEquals(expected, ce.lossAndGradient(row(z), new int[] {2}, null, g), 1e-12);
    double sum = 0;
    for (double v : g.data) {
      sum += v;
    }
    assertEquals(0.0, sum, 1e-12, "softmax − target sums to zero");
  }

  @Test
  void softmaxPredictionIsStable() {
    DMatrixRMaj z = new DMatrixRMaj(2, 3, true, 1000, -1000, 0, 1, 2, 3);
    new SoftmaxCrossEntropy(0).toPrediction(z);
    assertArrayEquals(new double[] {1, 0, 0}, Arrays.copyOf(z.data, 3), 1e-300);
    double e = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertArrayEquals(
        new double[] {Math.exp(1) / e, Math.exp(2) / e, Math.exp(3) / e},
        Arrays.copyOfRange(z.data, 3, 6),
        1e-15);
  }

  @Test
  void lossSumsOverRows() {
    SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(0.1);
    DMatrixRMaj both = new DMatrixRMaj(2, 3, true, 0.1, 0.2, 0.3, -1, 2, 0.5);
    double sum =
        ce.lossAndGradient(row(0.1, 0.2, 0.3), new int[] {2}, null, null)
            + ce.lossAndGradient(row(-1, 2, 0.5), new int[] {0}, null, null);
    assertEquals(sum, ce.lossAndGradient(both, new int[] {2, 0}, null, null), 1e-12);
  }

  @Test
  void meanSquaredErrorIsHalfSquaredNorm() {
    MeanSquaredError mse = new MeanSquaredError();
    DMatrixRMaj g = new DMatrixRMaj(1, 1);
    DMatrixRMaj f = new DMatrixRMaj(2, 2, true, 1, 2, 3, 4);
    double loss = mse.lossAndGradient(f, null, new double[] {0, 2, 5, 1}, g);
    assertEquals(0.5 * (1 + 0 + 4 + 9), loss, 1e-15);
    assertArrayEquals(new double[] {1, 0, -2, 3}, g.data, 1e-15);
  }

  @Test
  void l1IsAbsoluteNormWithSignSubgradient() {
    L1Loss l1 = new L1Loss();
    DMatrixRMaj g = new DMatrixRMaj(1, 1);
    DMatrixRMaj f = new DMatrixRMaj(2, 2, true, 1, 2, 3, 4);
    double loss = l1.lossAndGradient(f, null, new double[] {0, 2, 5, 1}, g);
    assertEquals(1 + 0 + 2 + 3, loss, 1e-15);
    assertArrayEquals(new double[] {1, 0, -1, 1}, g.data, 1e-15);
  }

  @Test
  void lossFromSpec() {
    assertTrue(Loss.of(LossSpec.softmaxCrossEntropy()) instanceof SoftmaxCrossEntropy);
    assertTrue(Loss.of(new LossSpec(LossSpec.Kind.MSE, 0)) instanceof MeanSquaredError);
    assertTrue(Loss.of(new LossSpec(LossSpec.Kind.L1, 0)) instanceof L1Loss);
    assertTrue(Loss.of(LossSpec.softmaxCrossEntropy()).usesLabels());
    assertTrue(!Loss.of(new LossSpec(LossSpec.Kind.MSE, 0)).usesLabels());
  }
}
