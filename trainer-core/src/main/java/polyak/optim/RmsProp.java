package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** RMSProp: r ← βr + (1 − β)g², θ ← θ − ε·g/(√r + δ). */
public final class RmsProp implements Optimizer {
  public static final String NAME = "rmsprop";
  private final int size;
  private final double decay;
  private final double epsilon;
  private final double[] meanSquares;

  public RmsProp(int size, double decay, double epsilon) {
    this.size = Checks.size(size);
    this.decay = decay;
    this.epsilon = epsilon;
    this.meanSquares = new double[size];
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
    double[] r = meanSquares;
    double keep = decay;
    double mix = 1 - decay;
    for (int i = 0; i < size; i++) {
      double g = gradient[i];
      r[i] = keep * r[i] + mix * g * g;
      theta[i] -= learningRate * g / (Math.sqrt(r[i]) + epsilon);
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, NAME, size);
    StateCodec.writeVector(out, "mean_squares", meanSquares);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    StateCodec.readHeader(in, NAME, size);
    double[] r = StateCodec.readVector(in, NAME, "mean_squares", size);
    System.arraycopy(r, 0, meanSquares, 0, size);
  }
}
