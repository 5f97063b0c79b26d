package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Classical momentum: v ← μv − εg, θ ← θ + v, with μ = momentum.valueAt(t − 1). */
public final class Momentum implements Optimizer {
  public static final String NAME = "momentum";
  private final int size;
  private final Schedule momentum;
  private final double[] velocity;

  public Momentum(int size, Schedule momentum) {
    this.size = Checks.size(size);
    this.momentum = momentum;
    this.velocity = new double[size];
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
    double mu = Checks.momentum(NAME, momentum, t);
    double[] v = velocity;
    for (int i = 0; i < size; i++) {
      v[i] = mu * v[i] - learningRate * gradient[i];
      theta[i] += v[i];
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, NAME, size);
    StateCodec.writeVector(out, "velocity", velocity);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    StateCodec.readHeader(in, NAME, size);
    double[] v = StateCodec.readVector(in, NAME, "velocity", size);
    System.arraycopy(v, 0, velocity, 0, size);
  }
}
