package polyak.optim;

/**
 * Polyak–Ruppert averaging: the arithmetic mean of the iterates from step {@code startStep} on,
 * kept as a running mean θ̄ ← θ̄ + (θ − θ̄)/n.
 */
public final class UniformAverage extends RunningAverage {
  public static final String NAME = "uniform_average";

  public UniformAverage(int size, long startStep) {
    super(NAME, size, startStep);
  }

  @Override
  void fold(double[] theta, long n) {
    double inv = 1.0 / n;
    for (int i = 0; i < size; i++) {
      mean[i] += (theta[i] - mean[i]) * inv;
    }
  }
}
