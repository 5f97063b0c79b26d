package polyak.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import polyak.check.GradientCheck;
import polyak.data.Dataset;
import polyak.spec.LayerSpec;
import polyak.spec.SpecParser;

/** Small seeded networks and data sets shared by the nn tests. */
final class TestNets {
  private TestNets() {}

  static final long PASS_SEED = 77L;

  /** Parses the multi-line spec text ("input N", layer lines, "loss ..."). */
  static Network net(String text) {
    return Network.build(SpecParser.network("test", text));
  }

  static double[] gaussian(SplittableRandom rng, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double u1 = rng.nextDouble();
      double u2 = rng.nextDouble();
      v[i] = scale * Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
    return v;
  }

  static Dataset regression(long seed, int rows, int width, int targetWidth) {
    SplittableRandom rng = new SplittableRandom(seed);
    return Dataset.regression(
        "regression",
        width,
        gaussian(rng, rows * width, 1.0),
        targetWidth,
        gaussian(rng, rows * targetWidth, 1.0),
        1000);
  }

  static Dataset classification(long seed, int rows, int width, int classes) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = rng.nextInt(classes);
    }
    return Dataset.classification(
        "classification", width, gaussian(rng, rows * width, 1.0), labels, classes, 1000);
  }

  /**
   * Initialised parameters, with biases, γ and β then moved off their initial values (to random
   * values around them) so that no gradient is trivially symmetric.
   */
  static double[] params(Network net, long seed) {
    double[] p = new double[net.parameterCount()];
    net.initialise(seed, p, new double[net.stateSize()]);
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5eedL);
    for (ParameterSegment s : net.layout().segments()) {
      if (s.kind() == ParameterKind.WEIGHT) {
        continue;
      }
      double centre = s.kind() == ParameterKind.NORM_SCALE ? 1.0 : 0.0;
      for (int i = s.offset(); i < s.end(); i++) {
        p[i] = centre + 0.5 * (2 * rng.nextDouble() - 1);
      }
    }
    return p;
  }

  static GradientCheck.Report check(Network net, double[] params, Dataset data) {
    return new GradientCheck().check(net, params, new double[net.stateSize()], data, PASS_SEED);
  }

  static void assertGradientOk(Network net, double[] params, Dataset data) {
    assertAwayFromKinks(net, params, data, 1e-4);
    GradientCheck.Report report = check(net, params, data);
    assertTrue(report.maxRelativeError() < 1e-6, () -> "gradient check failed:\n" + report);
  }

  /**
   * Runs the training-mode forward pass layer by layer and asserts that every input of a ReLU,
   * leaky ReLU or ELU lies at least {@code margin} from 0 and that the top two pieces of every
   * maxout group differ by at least {@code margin}: centered differences across a kink are not the
   * derivative.
   */
  static void assertAwayFromKinks(Network net, double[] params, Dataset data, double margin) {
    DMatrixRMaj a = inputMatrix(data);
    Pass pass = trainingPass(data, PASS_SEED);
    for (int l = 0; l < net.layers().size(); l++) {
      Layer layer = net.layers().get(l);
      if (net.spec().layers().get(l) instanceof LayerSpec.Activation act
          && act.kind().reluFamily()) {
        for (int i = 0; i < a.getNumElements(); i++) {
          double v = a.data[i];
          int at = l;
          assertTrue(
              Math.abs(v) >= margin,
              () ->
                  "layer "
                      + at
                      + " input "
                      + v
                      + " is within "
                      + margin
                      + " of the kink: pick another seed");
        }
      } else if (layer instanceof MaxoutLayer m) {
        int pieces = m.inputWidth() / m.outputWidth();
        for (int g = 0; g < a.getNumElements() / pieces; g++) {
          double best = Double.NEGATIVE_INFINITY;
          double second = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < pieces; k++) {
            double v = a.data[g * pieces + k];
            if (v > best) {
              second = best;
              best = v;
            } else if (v > second) {
              second = v;
            }
          }
          double gap = best - second;
          int at = l;
          assertTrue(
              gap >= margin,
              () ->
                  "layer "
                      + at
                      + " maxout gap "
                      + gap
                      + " below "
                      + margin
                      + ": pick another seed");
        }
      }
      a = layer.forward(params, null, copy(a), pass);
    }
  }

  static DMatrixRMaj inputMatrix(Dataset data) {
    DMatrixRMaj x = new DMatrixRMaj(data.rows(), data.width());
    System.arraycopy(data.features(), 0, x.data, 0, data.rows() * data.width());
    return x;
  }

  static Pass trainingPass(Dataset data, long seed) {
    Pass pass = new Pass();
    pass.set(true, seed, null);
    long[] keys = pass.keys(data.rows());
    for (int i = 0; i < data.rows(); i++) {
      keys[i] = data.baseId() + i;
    }
    return pass;
  }

  static Pass pass(boolean training, long seed, long... keys) {
    Pass pass = new Pass();
    pass.set(training, seed, null);
    System.arraycopy(keys, 0, pass.keys(keys.length), 0, keys.length);
    return pass;
  }

  static DMatrixRMaj copy(DMatrixRMaj m) {
    return m.copy();
  }
}
