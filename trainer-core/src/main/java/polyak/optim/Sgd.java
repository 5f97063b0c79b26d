package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Plain stochastic gradient descent: θ ← θ − εg. Stateless. */
public final class Sgd implements Optimizer {
  public static final String NAME = "sgd";
  private final int size;

  public Sgd(int size) {
    this.size = Checks.size(size);
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
    for (int i = 0; i < size; i++) {
      theta[i] -= learningRate * gradient[i];
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, NAME, size);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    StateCodec.readHeader(in, NAME, size);
  }
}
