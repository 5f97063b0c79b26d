package polyak.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** What group normalisation computes, beyond its gradient (see LayerGradientTest). */
class GroupNormLayerTest {

  @Test
  void eachGroupOfEachRowHasMeanZeroAndVarianceOneBeforeScaleAndShift() {
    GroupNormLayer gn = new GroupNormLayer(12, 4, 0, 12, 0.0);
    double[] params = new double[24];
    gn.initialise(params, null, null);
    DMatrixRMaj x = new DMatrixRMaj(5, 12);
    x.data = TestNets.gaussian(new SplittableRandom(3), 60, 2.0);
    for (int i = 0; i < 60; i++) {
      x.data[i] += i % 12; // different offsets per unit, so groups differ
    }
    DMatrixRMaj y = gn.forward(params, null, x, TestNets.pass(true, 1, 0, 1, 2, 3, 4));
    for (int r = 0; r < 5; r++) {
      for (int k = 0; k < 3; k++) {
        double mean = 0;
        double sq = 0;
        for (int j = 0; j < 4; j++) {
          double v = y.get(r, 4 * k + j);
          mean += v;
          sq += v * v;
        }
        assertEquals(0.0, mean / 4, 1e-12);
        assertEquals(1.0, sq / 4, 1e-12);
      }
    }
  }

  @Test
  void oneGroupOfTheWholeWidthIsLayerNormalisation() {
    SplittableRandom rng = new SplittableRandom(8);
    double[] params = TestNets.gaussian(rng, 16, 0.5);
    DMatrixRMaj x = new DMatrixRMaj(3, 8);
    x.data = TestNets.gaussian(rng, 24, 1.0);
    Pass pass = TestNets.pass(true, 1, 0, 1, 2);
    double[] group =
        new GroupNormLayer(8, 8, 0, 8, 1e-5).forward(params, null, x.copy(), pass).data.clone();
    double[] layer =
        new LayerNormLayer(8, 0, 8, 1e-5).forward(params, null, x.copy(), pass).data.clone();
    assertArrayEquals(layer, group, 0.0);
  }

  @Test
  void trainingAndInferenceAgreeAndRowsAreIndependent() {
    Network net = TestNets.net("input 5\ndense 8\ngroupnorm 2\nrelu\ndense 3\nloss softmax_ce");
    double[] params = TestNets.params(net, 2);
    var data = TestNets.classification(4, 6, 5, 3);
    double[] all = new double[18];
    net.predict(params, new double[0], data, 0, 6, all);
    double[] one = new double[3];
    for (int r = 0; r < 6; r++) {
      net.predict(params, new double[0], data, r, 1, one);
      for (int j = 0; j < 3; j++) {
        assertEquals(all[r * 3 + j], one[j], 1e-12);
      }
    }
  }
}
