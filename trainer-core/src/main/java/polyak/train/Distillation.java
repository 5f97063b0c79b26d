package polyak.train;

import java.util.Arrays;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Inference;
import polyak.nn.Network;
import polyak.nn.loss.SoftTargets;

/**
 * Knowledge distillation for one share of a minibatch: the teacher (its own spec, parameters and
 * state) gives its distribution at temperature T for exactly the student's rows, in inference mode,
 * and the student takes the gradient of α·CE + (1 − α)·T²·KL(teacher_T ‖ student_T). Everything is
 * a function of the rows and the parameters, so it can run wherever the rows are (an executor). The
 * teacher may be an ensemble (its members' parameter and state vectors one after another, as in an
 * ensemble's model file): its distribution at T is then the mean of the members' distributions at
 * T, summed in member order. Holds work buffers and two networks: one per thread.
 */
public final class Distillation {
  private final Network teacher;
  private final double[][] teacherParams;
  private final double[][] teacherStates;
  private final double alpha;
  private final double temperature;
  private double[] logits = new double[0];
  private double[] soft = new double[0];
  private double[] memberSoft = new double[0];

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
    int members = Inference.members(teacher, teacherParams, teacherState);
    this.teacherParams = Inference.split(teacherParams, members);
    this.teacherStates = Inference.split(teacherState, members);
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
      memberSoft = new double[count * k];
    }
    int n = count * k;
    int members = teacherParams.length;
    for (int m = 0; m < members; m++) {
      teacher.logits(teacherParams[m], teacherStates[m], data, rows, from, count, logits);
      if (members == 1) {
        SoftTargets.soften(logits, count, k, temperature, soft);
      } else {
        if (m == 0) {
          Arrays.fill(soft, 0, n, 0.0);
        }
        SoftTargets.soften(logits, count, k, temperature, memberSoft);
        for (int i = 0; i < n; i++) {
          soft[i] += memberSoft[i];
        }
      }
    }
    if (members > 1) {
      for (int i = 0; i < n; i++) {
        soft[i] /= members;
      }
    }
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
