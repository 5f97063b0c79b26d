package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * RMSProp with classical (not Nesterov) momentum:
 * r ← βr + (1 − β)g², v ← μv − ε·g/(√r + δ), θ ← θ + v, with μ = momentum.valueAt(t − 1).
 */
public final class RmsPropMomentum implements Optimizer {
  public static final String NAME = "rmsprop_momentum";
  private final int size;
  private final double decay;
  private final double epsilon;
  private final Schedule momentum;
  private final double[] meanSquares;
  private final double[] velocity;

  public RmsPropMomentum(int size, double decay, double epsilon, Schedule momentum) {
    this.size = Checks.size(size);
    this.decay = decay;
    this.epsilon = epsilon;
    this.momentum = momentum;
    this.meanSquares = new double[size];
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
    double[] r = meanSquares;
    double[] v = velocity;
    double keep = decay;
    double mix = 1 - decay;
    for (int i = 0; i < size; i++) {
      double g = gradient[i];
      r[i] = keep * r[i] + mix * g * g;
      v[i] = mu * v[i] - learningRate * g / (Math.sqrt(r[i]) + epsilon);
      theta[i] += v[i];
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, NAME, size);
    StateCodec.writeVector(out, "mean_squares", meanSquares);
    StateCodec.writeVector(out, "velocity", velocity);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    StateCodec.readHeader(in, NAME, size);
    double[] r = StateCodec.readVector(in, NAME, "mean_squares", size);
    double[] v = StateCodec.readVector(in, NAME, "velocity", size);
    System.arraycopy(r, 0, meanSquares, 0, size);
    System.arraycopy(v, 0, velocity, 0, size);
  }
}
