package polyak.train;

import java.util.List;

/**
 * How a run ended: the final training state, the parameters to export (the Polyak average when on;
 * the best evaluated parameters when early stopping ran), every evaluation, and why it stopped.
 */
public record TrainResult(
    TrainingState state,
    double[] parameters,
    List<EvaluationReport> evaluations,
    String stopReason) {
  public EvaluationReport lastEvaluation() {
    return evaluations.isEmpty() ? null : evaluations.get(evaluations.size() - 1);
  }
}
