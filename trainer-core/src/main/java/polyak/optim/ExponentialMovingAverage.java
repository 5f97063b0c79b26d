package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Exponential moving average of the iterates from step {@code startStep} on: the first averaged
 * iterate initialises θ̄ = θ, later ones apply θ̄ ← d·θ̄ + (1 − d)·θ. Starting from θ rather than
 * from zero avoids the bias towards zero that would otherwise need correcting.
 */
public final class ExponentialMovingAverage implements IterateAverage {
  public static final String NAME = "ema_average";
  private final int size;
  private final double decay;
  private final long startStep;
  private final double[] mean;
  private long count;

  public ExponentialMovingAverage(int size, double decay, long startStep) {
    this.size = Checks.size(size);
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + decay);
    }
    if (startStep < 1) {
      throw new IllegalArgumentException("averaging start step is 1-based, got " + startStep);
    }
    this.decay = decay;
    this.startStep = startStep;
    this.mean = new double[size];
  }

  public ExponentialMovingAverage(int size, double decay) {
    this(size, decay, 1);
  }

  @Override
  public void update(double[] theta, long t) {
    if (theta.length != size) {
      throw new IllegalArgumentException(NAME + ": expected " + size + " parameters, got " + theta.length);
    }
    if (t < startStep) {
      return;
    }
    if (count == 0) {
      System.arraycopy(theta, 0, mean, 0, size);
    } else {
      double mix = 1 - decay;
      for (int i = 0; i < size; i++) {
        mean[i] = decay * mean[i] + mix * theta[i];
      }
    }
    count++;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public double[] average() {
    if (count == 0) {
      throw new IllegalStateException(NAME + ": no iterate averaged yet (averaging starts at step " + startStep + ")");
    }
    return mean;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, NAME, size);
    StateCodec.writeLong(out, "count", count);
    StateCodec.writeVector(out, "mean", mean);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    StateCodec.readHeader(in, NAME, size);
    long n = StateCodec.readLong(in, NAME, "count");
    if (n < 0) {
      throw new StateMismatchException("'" + NAME + "' state has negative count " + n);
    }
    double[] m = StateCodec.readVector(in, NAME, "mean", size);
    System.arraycopy(m, 0, mean, 0, size);
    count = n;
  }
}
