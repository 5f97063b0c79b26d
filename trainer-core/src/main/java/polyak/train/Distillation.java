package polyak.train;

import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.nn.loss.SoftTargets;

/**
 * Knowledge distillation for one share of a minibatch: the teacher (its own spec, parameters and
 * state) gives its distribution at temperature T for exactly the student's rows, in inference mode,
 * and the student takes the gradient of α·CE + (1 − α)·T²·KL(teacher_T ‖ student_T). Everything is
 * a function of the rows and the parameters, so it can run wherever the rows are (an executor).
 * Holds work buffers and two networks: one per thread.
 */
public final class Distillation {
  private final Network teacher;
  private final double[] teacherParams;
  private final double[] teacherState;
  private final double alpha;
  private final double temperature;
  private double[] logits = new double[0];
  private double[] soft = new double[0];

  public Distillation(
      Network teacher,
      double[] teacherParams,
      double[] teacherState,
      double alpha,
      double temperature) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("distillation alpha must be in [0, 1], got " + alpha);
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "distillation temperature must be positive, got " + temperature);
    }
    this.teacher = teacher;
    this.teacherParams = teacherParams;
    this.teacherState = teacherState;
    this.alpha = alpha;
    this.temperature = temperature;
  }

  /**
   * Adds the student's distillation gradient for the rows into {@code grad}; returns the mixed loss
   * sum.
   */
  public BatchResult gradient(
      Network student,
      double[] params,
      double[] state,
      Dataset data,
      int[] rows,
      int from,
      int count,
      long passSeed,
      double[] grad,
      double[] batchStats) {
    int k = teacher.spec().outputWidth();
    if (logits.length < count * k) {
      logits = new double[count * k];
      soft = new double[count * k];
    }
    teacher.logits(teacherParams, teacherState, data, rows, from, count, logits);
    SoftTargets.soften(logits, count, k, temperature, soft);
    return student.distillationGradient(
        params,
        state,
        data,
        rows,
        from,
        count,
        passSeed,
        grad,
        batchStats,
        soft,
        alpha,
        temperature);
  }
}
