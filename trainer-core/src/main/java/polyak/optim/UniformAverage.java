package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Polyak–Ruppert averaging: the arithmetic mean of the iterates from step {@code startStep} on,
 * kept as a running mean θ̄ ← θ̄ + (θ − θ̄)/n.
 */
public final class UniformAverage implements IterateAverage {
  public static final String NAME = "uniform_average";
  private final int size;
  private final long startStep;
  private final double[] mean;
  private long count;

  public UniformAverage(int size, long startStep) {
    this.size = Checks.size(size);
    if (startStep < 1) {
      throw new IllegalArgumentException("averaging start step is 1-based, got " + startStep);
    }
    this.startStep = startStep;
    this.mean = new double[size];
  }

  @Override
  public void update(double[] theta, long t) {
    if (theta.length != size) {
      throw new IllegalArgumentException(NAME + ": expected " + size + " parameters, got " + theta.length);
    }
    if (t < startStep) {
      return;
    }
    count++;
    double inv = 1.0 / count;
    for (int i = 0; i < size; i++) {
      mean[i] += (theta[i] - mean[i]) * inv;
    }
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
