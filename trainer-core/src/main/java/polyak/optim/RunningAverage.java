package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The bookkeeping of an iterate average from step {@code startStep} on: the averaged vector, how
 * many iterates it holds, and its saved form (header, count, mean). Subclasses say how one more
 * iterate folds in.
 */
abstract class RunningAverage implements IterateAverage {
  private final String name;
  protected final int size;
  private final long startStep;
  protected final double[] mean;
  private long count;

  RunningAverage(String name, int size, long startStep) {
    this.name = name;
    this.size = Checks.size(size);
    if (startStep < 1) {
      throw new IllegalArgumentException("averaging start step is 1-based, got " + startStep);
    }
    this.startStep = startStep;
    this.mean = new double[size];
  }

  /** Folds {@code theta} into {@link #mean} as the {@code n}-th averaged iterate (1-based). */
  abstract void fold(double[] theta, long n);

  @Override
  public final void update(double[] theta, long t) {
    if (theta.length != size) {
      throw new IllegalArgumentException(
          name + ": expected " + size + " parameters, got " + theta.length);
    }
    if (t < startStep) {
      return;
    }
    fold(theta, count + 1);
    count++;
  }

  @Override
  public final long count() {
    return count;
  }

  @Override
  public final double[] average() {
    if (count == 0) {
      throw new IllegalStateException(
          name + ": no iterate averaged yet (averaging starts at step " + startStep + ")");
    }
    return mean;
  }

  @Override
  public final void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, name, size);
    StateCodec.writeLong(out, "count", count);
    StateCodec.writeVector(out, "mean", mean);
  }

  @Override
  public final Runnable prepareRestore(DataInput in) throws IOException {
    StateCodec.readHeader(in, name, size);
    long n = StateCodec.readLong(in, name, "count");
    if (n < 0) {
      throw new StateMismatchException("'" + name + "' state has negative count " + n);
    }
    double[] m = StateCodec.readVector(in, name, "mean", size);
    return () -> {
      System.arraycopy(m, 0, mean, 0, size);
      count = n;
    };
  }
}
