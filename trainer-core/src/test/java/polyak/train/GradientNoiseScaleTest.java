package polyak.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The online B_simple estimator on synthetic gradients whose mean and covariance are known. */
class GradientNoiseScaleTest {
  static final int D = 40;

  /**
   * Per-example gradients G + L·z (z standard normal, L diagonal with varying scales), so tr(Σ) = Σ
   * L_jj² and |G|² are known; four shares of unequal sizes. The smoothed estimate recovers B_simple
   * = tr(Σ)/|G|² within 10 %.
   */
  @Test
  void recoversKnownNoiseScaleFromUnequalShares() {
    double[] mean = new double[D];
    double[] scale = new double[D];
    double gradSq = 0;
    double trace = 0;
    for (int j = 0; j < D; j++) {
      mean[j] = 0.05 + 0.01 * (j % 7);
      scale[j] = 0.5 + 0.05 * (j % 11);
      gradSq += mean[j] * mean[j];
      trace += scale[j] * scale[j];
    }
    double truth = trace / gradSq;
    int[] shares = {37, 64, 20, 135};
    SplittableRandom rng = new SplittableRandom(7);
    GradientNoiseScale noise = new GradientNoiseScale(0.999);
    double estimate = Double.NaN;
    for (int it = 0; it < 4000; it++) {
      double[] sum = new double[D];
      ShareNorms norms = new ShareNorms();
      long examples = 0;
      for (int n : shares) {
        double[] g = new double[D];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < D; j++) {
            g[j] += mean[j] + scale[j] * rng.nextGaussian();
          }
        }
        norms.add(g, n);
        PartitionSums.addInto(sum, g);
        examples += n;
      }
      estimate = noise.observe(sum, examples, norms);
    }
    assertTrue(truth > 50 && truth < 500, "a noise scale between the share and batch sizes");
    assertEquals(truth, estimate, 0.10 * truth, "B_simple " + truth + ", estimated " + estimate);
  }

  /** One iteration's estimates are unbiased: averaged over many draws they match |G|² and tr(Σ). */
  @Test
  void singleIterationEstimatesAreUnbiased() {
    double g = 0.3;
    double sigma = 2.0;
    int[] shares = {5, 11, 16};
    SplittableRandom rng = new SplittableRandom(3);
    double sumGrad = 0;
    double sumTrace = 0;
    int draws = 20000;
    for (int it = 0; it < draws; it++) {
      double total = 0;
      ShareNorms norms = new ShareNorms();
      for (int n : shares) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += g + sigma * rng.nextGaussian();
        }
        norms.add(new double[] {s}, n);
        total += s;
      }
      GradientNoiseScale.Estimate e = GradientNoiseScale.estimate(total * total, 32, norms);
      sumGrad += e.gradientSquared();
      sumTrace += e.trace();
    }
    assertEquals(g * g, sumGrad / draws, 0.1 * g * g);
    assertEquals(sigma * sigma, sumTrace / draws, 0.05 * sigma * sigma);
  }

  @Test
  void oneShareGivesNoEstimate() {
    ShareNorms norms = new ShareNorms();
    norms.add(new double[] {1, 2}, 10);
    assertTrue(Double.isNaN(new GradientNoiseScale(0.9).observe(new double[] {1, 2}, 10, norms)));
  }
}
