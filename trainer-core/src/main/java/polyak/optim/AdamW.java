package polyak.optim;

import java.util.Set;
import polyak.nn.ParameterKind;
import polyak.nn.ParameterLayout;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter): the Adam step of {@link Adam} plus θ
 * ← θ − ε·λ·θ on the segments whose kind is in {@code decayedKinds} (by default WEIGHT only). The
 * decay is scaled by the step's learning rate so that a schedule scales both terms together.
 */
public final class AdamW extends AdaptiveMoments {
  public static final String NAME = "adamw";
  private final double weightDecay;
  private final SegmentRanges ranges;

  public AdamW(
      ParameterLayout layout,
      double beta1,
      double beta2,
      double epsilon,
      boolean biasCorrection,
      double weightDecay,
      Set<ParameterKind> decayedKinds) {
    super(NAME, layout.size(), beta1, beta2, epsilon, biasCorrection);
    this.weightDecay = weightDecay;
    this.ranges = new SegmentRanges(layout, decayedKinds);
  }

  public AdamW(
      ParameterLayout layout, double beta1, double beta2, double epsilon, double weightDecay) {
    this(layout, beta1, beta2, epsilon, true, weightDecay, Regularization.DEFAULT_KINDS);
  }

  @Override
  void update(double[] theta, double[] gradient, double c1, double c2, double learningRate) {
    double[] m = firstMoment;
    double[] s = secondMoment;
    for (int k = 0; k < ranges.count; k++) {
      double decay = ranges.selected[k] ? weightDecay : 0.0;
      for (int i = ranges.from[k], end = ranges.to[k]; i < end; i++) {
        double g = gradient[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        s[i] = beta2 * s[i] + (1 - beta2) * g * g;
        theta[i] -=
            learningRate * ((m[i] / c1) / (Math.sqrt(s[i] / c2) + epsilon) + decay * theta[i]);
      }
    }
  }
}
