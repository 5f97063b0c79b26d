package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Set;
import polyak.nn.ParameterKind;
import polyak.nn.ParameterLayout;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter): the Adam step of {@link Adam} plus
 * θ ← θ − ε·λ·θ on the segments whose kind is in {@code decayedKinds} (by default WEIGHT only).
 * The decay is scaled by the step's learning rate so that a schedule scales both terms together.
 */
public final class AdamW implements Optimizer {
  public static final String NAME = "adamw";
  private final int size;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean biasCorrection;
  private final double weightDecay;
  private final SegmentRanges ranges;
  private final double[] firstMoment;
  private final double[] secondMoment;

  public AdamW(ParameterLayout layout, double beta1, double beta2, double epsilon, boolean biasCorrection,
      double weightDecay, Set<ParameterKind> decayedKinds) {
    this.size = layout.size();
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.biasCorrection = biasCorrection;
    this.weightDecay = weightDecay;
    this.ranges = new SegmentRanges(layout, decayedKinds);
    this.firstMoment = new double[size];
    this.secondMoment = new double[size];
  }

  public AdamW(ParameterLayout layout, double beta1, double beta2, double epsilon, double weightDecay) {
    this(layout, beta1, beta2, epsilon, true, weightDecay, Regularization.DEFAULT_KINDS);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void step(double[] theta, double[] gradient, long t, double learningRate) {
    Checks.step(NAME, size, theta, gradient, t, learningRate);
    double c1 = biasCorrection ? 1 - Math.pow(beta1, t) : 1;
    double c2 = biasCorrection ? 1 - Math.pow(beta2, t) : 1;
    double[] m = firstMoment;
    double[] s = secondMoment;
    for (int k = 0; k < ranges.count; k++) {
      double decay = ranges.selected[k] ? weightDecay : 0.0;
      for (int i = ranges.from[k], end = ranges.to[k]; i < end; i++) {
        double g = gradient[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        s[i] = beta2 * s[i] + (1 - beta2) * g * g;
        theta[i] -= learningRate * ((m[i] / c1) / (Math.sqrt(s[i] / c2) + epsilon) + decay * theta[i]);
      }
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, NAME, size);
    StateCodec.writeVector(out, "first_moment", firstMoment);
    StateCodec.writeVector(out, "second_moment", secondMoment);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    StateCodec.readHeader(in, NAME, size);
    double[] m = StateCodec.readVector(in, NAME, "first_moment", size);
    double[] s = StateCodec.readVector(in, NAME, "second_moment", size);
    System.arraycopy(m, 0, firstMoment, 0, size);
    System.arraycopy(s, 0, secondMoment, 0, size);
  }
}
