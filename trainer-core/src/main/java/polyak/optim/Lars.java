package polyak.optim;

import java.util.Set;
import polyak.nn.ParameterKind;
import polyak.nn.ParameterLayout;

/**
 * LARS (You et al. 2017), per segment. For a segment whose kind is in {@code adaptedKinds} (default
 * WEIGHT): u = g + λw, trust = η·‖w‖/‖u‖ (1 when either norm is 0), and v ← μv − ε·trust·u, θ ← θ +
 * v. Other segments (biases, normalisation γ/β) get neither the trust ratio nor the weight decay: v
 * ← μv − εg. μ = momentum.valueAt(t − 1).
 */
public final class Lars extends VelocityOptimizer {
  public static final String NAME = "lars";
  private final double trustCoefficient;
  private final double weightDecay;
  private final SegmentRanges ranges;

  public Lars(
      ParameterLayout layout,
      Schedule momentum,
      double trustCoefficient,
      double weightDecay,
      Set<ParameterKind> adaptedKinds) {
    super(NAME, layout.size(), momentum);
    this.trustCoefficient = trustCoefficient;
    this.weightDecay = weightDecay;
    this.ranges = new SegmentRanges(layout, adaptedKinds);
  }

  public Lars(
      ParameterLayout layout, Schedule momentum, double trustCoefficient, double weightDecay) {
    this(layout, momentum, trustCoefficient, weightDecay, Regularization.DEFAULT_KINDS);
  }

  @Override
  void update(double[] theta, double[] gradient, double mu, double learningRate) {
    double[] v = velocity;
    for (int k = 0; k < ranges.count; k++) {
      int from = ranges.from[k];
      int to = ranges.to[k];
      double decay = 0.0;
      double rate = learningRate;
      if (ranges.selected[k]) {
        decay = weightDecay;
        double wSquares = 0;
        double uSquares = 0;
        for (int i = from; i < to; i++) {
          double w = theta[i];
          double u = gradient[i] + decay * w;
          wSquares += w * w;
          uSquares += u * u;
        }
        if (wSquares > 0 && uSquares > 0) {
          rate = learningRate * trustCoefficient * Math.sqrt(wSquares) / Math.sqrt(uSquares);
        }
      }
      for (int i = from; i < to; i++) {
        v[i] = mu * v[i] - rate * (gradient[i] + decay * theta[i]);
        theta[i] += v[i];
      }
    }
  }
}
