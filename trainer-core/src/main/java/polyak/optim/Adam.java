package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Adam: m ← β₁m + (1 − β₁)g, s ← β₂s + (1 − β₂)g², θ ← θ − ε·m̂/(√ŝ + δ), where with bias
 * correction m̂ = m/(1 − β₁ᵗ), ŝ = s/(1 − β₂ᵗ), and without it m̂ = m, ŝ = s.
 */
public final class Adam implements Optimizer {
  public static final String NAME = "adam";
  private final int size;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean biasCorrection;
  private final double[] firstMoment;
  private final double[] secondMoment;

  public Adam(int size, double beta1, double beta2, double epsilon, boolean biasCorrection) {
    this.size = Checks.size(size);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.biasCorrection = biasCorrection;
    this.firstMoment = new double[size];
    this.secondMoment = new double[size];
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
    for (int i = 0; i < size; i++) {
      double g = gradient[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      s[i] = beta2 * s[i] + (1 - beta2) * g * g;
      theta[i] -= learningRate * (m[i] / c1) / (Math.sqrt(s[i] / c2) + epsilon);
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
