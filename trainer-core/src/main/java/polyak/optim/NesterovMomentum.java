package polyak.optim;

/**
 * Nesterov momentum without an extra gradient evaluation (Sutskever et al. 2013; Bengio et al.
 * 2013). The stored θ is the look-ahead point θ_la = θ_true + μv, at which the gradient g is
 * evaluated; substituting it into v ← μv − ε∇f(θ_true + μv), θ_true ← θ_true + v gives
 *
 * <pre>  v ← μv − εg;   θ ← θ + μv − εg   (with the new v)</pre>
 *
 * equivalently θ ← θ − μ·v_old + (1 + μ)·v_new. μ = momentum.valueAt(t − 1).
 */
public final class NesterovMomentum extends VelocityOptimizer {
  public static final String NAME = "nesterov";

  public NesterovMomentum(int size, Schedule momentum) {
    super(NAME, size, momentum);
  }

  @Override
  void update(double[] theta, double[] gradient, double mu, double learningRate) {
    double[] v = velocity;
    for (int i = 0; i < size; i++) {
      double step = learningRate * gradient[i];
      v[i] = mu * v[i] - step;
      theta[i] += mu * v[i] - step;
    }
  }
}
