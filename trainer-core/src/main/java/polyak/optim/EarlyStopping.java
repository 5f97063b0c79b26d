package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Early stopping on a validation metric: keeps a copy of the parameters at the best evaluation and
 * asks to stop once {@code patience} evaluations in a row failed to improve on it by more than
 * {@code minDelta}. The caller then restores the best parameters with {@link #restoreBest}.
 */
public final class EarlyStopping implements Checkpointable {
  public static final String NAME = "early_stopping";

  private final MetricGoal goal;
  private final int patience;
  private final double minDelta;
  private final double[] bestParameters;
  private double bestMetric = Double.NaN;
  private long bestEvaluation = -1;
  private long evaluations;
  private int sinceImprovement;

  public EarlyStopping(int size, MetricGoal goal, int patience, double minDelta) {
    if (patience < 1) {
      throw new IllegalArgumentException("early stopping patience must be >= 1, got " + patience);
    }
    if (!(minDelta >= 0)) {
      throw new IllegalArgumentException("early stopping minDelta must be >= 0, got " + minDelta);
    }
    this.goal = goal;
    this.patience = patience;
    this.minDelta = minDelta;
    this.bestParameters = new double[Checks.size(size)];
  }

  /** Records one evaluation of {@code theta}; returns true when training should stop. */
  public boolean observe(double metric, double[] theta) {
    if (theta.length != bestParameters.length) {
      throw new IllegalArgumentException(
          "early stopping: expected " + bestParameters.length + " parameters, got " + theta.length);
    }
    evaluations++;
    if (goal.improves(metric, bestMetric, minDelta)) {
      bestMetric = metric;
      bestEvaluation = evaluations;
      sinceImprovement = 0;
      System.arraycopy(theta, 0, bestParameters, 0, theta.length);
    } else {
      sinceImprovement++;
    }
    return shouldStop();
  }

  public boolean shouldStop() {
    return sinceImprovement >= patience;
  }

  public boolean hasBest() {
    return bestEvaluation > 0;
  }

  /** NaN until a finite metric was observed. */
  public double bestMetric() {
    return bestMetric;
  }

  /** 1-based index of the best evaluation among all {@link #observe} calls, or −1. */
  public long bestEvaluation() {
    return bestEvaluation;
  }

  /** Copies the best parameters seen into {@code theta}. */
  public void restoreBest(double[] theta) {
    if (!hasBest()) {
      throw new IllegalStateException(
          "early stopping: no evaluation with a valid metric yet, nothing to restore");
    }
    if (theta.length != bestParameters.length) {
      throw new IllegalArgumentException(
          "early stopping: expected " + bestParameters.length + " parameters, got " + theta.length);
    }
    System.arraycopy(bestParameters, 0, theta, 0, theta.length);
  }

  /**
   * The best metric and parameters and the counters, so a resumed run stops (and restores) as an
   * uninterrupted one.
   */
  @Override
  public void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, NAME, bestParameters.length);
    StateCodec.writeLong(out, "best_metric", Double.doubleToRawLongBits(bestMetric));
    StateCodec.writeLong(out, "best_evaluation", bestEvaluation);
    StateCodec.writeLong(out, "evaluations", evaluations);
    StateCodec.writeLong(out, "since_improvement", sinceImprovement);
    StateCodec.writeVector(out, "best_parameters", bestParameters);
  }

  @Override
  public Runnable prepareRestore(DataInput in) throws IOException {
    StateCodec.readHeader(in, NAME, bestParameters.length);
    double metric = Double.longBitsToDouble(StateCodec.readLong(in, NAME, "best_metric"));
    long best = StateCodec.readLong(in, NAME, "best_evaluation");
    long n = StateCodec.readLong(in, NAME, "evaluations");
    long since = StateCodec.readLong(in, NAME, "since_improvement");
    if (n < 0 || best > n || since < 0 || since > n) {
      throw new StateMismatchException(
          "'"
              + NAME
              + "' state has inconsistent counters: best evaluation "
              + best
              + ", evaluations "
              + n
              + ", since improvement "
              + since);
    }
    double[] theta = StateCodec.readVector(in, NAME, "best_parameters", bestParameters.length);
    return () -> {
      System.arraycopy(theta, 0, bestParameters, 0, theta.length);
      bestMetric = metric;
      bestEvaluation = best;
      evaluations = n;
      sinceImprovement = (int) since;
    };
  }
}
