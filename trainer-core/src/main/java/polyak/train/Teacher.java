package polyak.train;

import polyak.nn.Network;
import polyak.spec.NetworkSpec;

/**
 * A trained teacher for distillation and how much to follow it: the student minimises α·CE + (1 −
 * α)·T²·KL(teacher_T ‖ student_T). The teacher sees the student's (preprocessed) inputs.
 */
public record Teacher(
    NetworkSpec spec, double[] params, double[] state, double alpha, double temperature) {
  public Teacher {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("distillation.alpha must be in [0, 1], got " + alpha);
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "distillation.temperature must be a positive number, got " + temperature);
    }
  }

  /** Checks the teacher can teach {@code student}: same input width and the same classes. */
  public void checkFits(NetworkSpec student) {
    if (spec.inputWidth() != student.inputWidth() || spec.outputWidth() != student.outputWidth()) {
      throw new IllegalArgumentException(
          "distillation.teacher: the teacher maps "
              + spec.inputWidth()
              + " inputs to "
              + spec.outputWidth()
              + " outputs, the student "
              + student.inputWidth()
              + " to "
              + student.outputWidth());
    }
  }

  /** The per-share distillation gradient with a teacher network built here. */
  public Distillation distillation() {
    return new Distillation(Network.build(spec), params, state, alpha, temperature);
  }
}
