package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Nesterov momentum without an extra gradient evaluation (Sutskever et al. 2013; Bengio et al. 2013).
 * The stored θ is the look-ahead point θ_la = θ_true + μv, at which the gradient g is evaluated;
 * substituting it into v ← μv − ε∇f(θ_true + μv), θ_true ← θ_true + v gives
 *
 * <pre>  v ← μv − εg;   θ ← θ + μv − εg   (with the new v)</pre>
 *
 * equivalently θ ← θ − μ·v_old + (1 + μ)·v_new. μ = momentum.valueAt(t − 1).
 */
public final class NesterovMomentum implements Optimizer {
  public static final String NAME = "nesterov";
  private final int size;
  private final Schedule momentum;
  private final double[] velocity;

  public NesterovMomentum(int size, Schedule momentum) {
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
      double step = learningRate * gradient[i];
      v[i] = mu * v[i] - step;
      theta[i] += mu * v[i] - step;
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
