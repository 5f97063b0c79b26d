package polyak.optim;

/**
 * Exponential moving average of the iterates from step {@code startStep} on: the first averaged
 * iterate initialises θ̄ = θ, later ones apply θ̄ ← d·θ̄ + (1 − d)·θ. Starting from θ rather than
 * from zero avoids the bias towards zero that would otherwise need correcting.
 */
public final class ExponentialMovingAverage extends RunningAverage {
  public static final String NAME = "ema_average";
  private final double decay;

  public ExponentialMovingAverage(int size, double decay, long startStep) {
    super(NAME, size, startStep);
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + decay);
    }
    this.decay = decay;
  }

  public ExponentialMovingAverage(int size, double decay) {
    this(size, decay, 1);
  }

  @Override
  void fold(double[] theta, long n) {
    if (n == 1) {
      System.arraycopy(theta, 0, mean, 0, size);
    } else {
      double mix = 1 - decay;
      for (int i = 0; i < size; i++) {
        mean[i] = decay * mean[i] + mix * theta[i];
      }
    }
  }
}
