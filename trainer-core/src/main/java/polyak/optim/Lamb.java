package polyak.optim;

import java.util.Set;
import polyak.nn.ParameterKind;
import polyak.nn.ParameterLayout;

/**
 * LAMB (You et al. 2019), per segment. Adam moments with bias correction give r = m̂/(√ŝ + δ); for
 * a segment whose kind is in {@code adaptedKinds} (default WEIGHT): u = r + λw, trust = η·‖w‖/‖u‖
 * (1 when either norm is 0), θ ← θ − ε·trust·u. Other segments (biases, normalisation γ/β) take the
 * plain Adam step θ ← θ − ε·r.
 */
public final class Lamb extends AdaptiveMoments {
  public static final String NAME = "lamb";
  private final double trustCoefficient;
  private final double weightDecay;
  private final SegmentRanges ranges;

  public Lamb(
      ParameterLayout layout,
      double beta1,
      double beta2,
      double epsilon,
      double trustCoefficient,
      double weightDecay,
      Set<ParameterKind> adaptedKinds) {
    super(NAME, layout.size(), beta1, beta2, epsilon, true);
    this.trustCoefficient = trustCoefficient;
    this.weightDecay = weightDecay;
    this.ranges = new SegmentRanges(layout, adaptedKinds);
  }

  public Lamb(
      ParameterLayout layout, double beta1, double beta2, double epsilon, double weightDecay) {
    this(layout, beta1, beta2, epsilon, 1.0, weightDecay, Regularization.DEFAULT_KINDS);
  }

  @Override
  void update(double[] theta, double[] gradient, double c1, double c2, double learningRate) {
    double[] m = firstMoment;
    double[] s = secondMoment;
    for (int k = 0; k < ranges.count; k++) {
      int from = ranges.from[k];
      int to = ranges.to[k];
      boolean adapted = ranges.selected[k];
      double decay = adapted ? weightDecay : 0.0;
      double wSquares = 0;
      double uSquares = 0;
      // First pass: update the moments and, for adapted segments, the norms; the second pass
      // recomputes u from the updated moments instead of storing it, so nothing is allocated.
      for (int i = from; i < to; i++) {
        double g = gradient[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        s[i] = beta2 * s[i] + (1 - beta2) * g * g;
        if (adapted) {
          double w = theta[i];
          double u = (m[i] / c1) / (Math.sqrt(s[i] / c2) + epsilon) + decay * w;
          wSquares += w * w;
          uSquares += u * u;
        }
      }
      double rate = learningRate;
      if (adapted && wSquares > 0 && uSquares > 0) {
        rate = learningRate * trustCoefficient * Math.sqrt(wSquares) / Math.sqrt(uSquares);
      }
      for (int i = from; i < to; i++) {
        theta[i] -= rate * ((m[i] / c1) / (Math.sqrt(s[i] / c2) + epsilon) + decay * theta[i]);
      }
    }
  }
}
