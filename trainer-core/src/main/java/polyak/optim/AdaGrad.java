package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** AdaGrad: r ← r + g², θ ← θ − ε·g/(√r + δ). */
public final class AdaGrad implements Optimizer {
  public static final String NAME = "adagrad";
  private final int size;
  private final double epsilon;
  private final double[] sumSquares;

  /** @param epsilon δ, the small constant keeping the division finite (e.g. 1e-7) */
  public AdaGrad(int size, double epsilon) {
    this.size = Checks.size(size);
    this.epsilon = epsilon;
    this.sumSquares = new double[size];
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
    double[] r = sumSquares;
    for (int i = 0; i < size; i++) {
      double g = gradient[i];
      r[i] += g * g;
      theta[i] -= learningRate * g / (Math.sqrt(r[i]) + epsilon);
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, NAME, size);
    StateCodec.writeVector(out, "sum_squares", sumSquares);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    StateCodec.readHeader(in, NAME, size);
    double[] r = StateCodec.readVector(in, NAME, "sum_squares", size);
    System.arraycopy(r, 0, sumSquares, 0, size);
  }
}
