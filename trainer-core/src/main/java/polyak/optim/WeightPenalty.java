package polyak.optim;

import java.util.Set;
import polyak.nn.ParameterKind;
import polyak.nn.ParameterLayout;

/**
 * Elastic-net penalty λ₁‖w‖₁ + ½λ₂‖w‖² on the segments of the chosen kinds (WEIGHT by default),
 * added to the gradient before the optimizer step: g ← g + λ₁·sign(w) + λ₂·w (sign(0) = 0). L2
 * weight decay and L1 are the special cases with the other λ zero.
 */
public final class WeightPenalty {
  private final double l1;
  private final double l2;
  private final int size;
  private final SegmentRanges ranges;

  public WeightPenalty(ParameterLayout layout, double l1, double l2, Set<ParameterKind> kinds) {
    if (!(l1 >= 0) || !(l2 >= 0) || Double.isInfinite(l1) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException(
          "penalty coefficients must be finite and >= 0, got l1=" + l1 + " l2=" + l2);
    }
    this.l1 = l1;
    this.l2 = l2;
    this.size = layout.size();
    this.ranges = new SegmentRanges(layout, kinds);
  }

  public static WeightPenalty l2(ParameterLayout layout, double lambda) {
    return new WeightPenalty(layout, 0, lambda, Regularization.DEFAULT_KINDS);
  }

  public static WeightPenalty l1(ParameterLayout layout, double lambda) {
    return new WeightPenalty(layout, lambda, 0, Regularization.DEFAULT_KINDS);
  }

  public static WeightPenalty elasticNet(ParameterLayout layout, double l1, double l2) {
    return new WeightPenalty(layout, l1, l2, Regularization.DEFAULT_KINDS);
  }

  /**
   * Adds the penalty's gradient to {@code gradient} and returns the penalty value, for the logged
   * loss.
   */
  public double addTo(double[] theta, double[] gradient) {
    if (theta.length != size || gradient.length != size) {
      throw new IllegalArgumentException(
          "weight penalty: expected "
              + size
              + " parameters, got theta of length "
              + theta.length
              + " and gradient of length "
              + gradient.length);
    }
    double absSum = 0;
    double squareSum = 0;
    for (int k = 0; k < ranges.count; k++) {
      if (!ranges.selected[k]) {
        continue;
      }
      for (int i = ranges.from[k], end = ranges.to[k]; i < end; i++) {
        double w = theta[i];
        gradient[i] += l1 * Math.signum(w) + l2 * w;
        absSum += Math.abs(w);
        squareSum += w * w;
      }
    }
    return l1 * absSum + 0.5 * l2 * squareSum;
  }
}
