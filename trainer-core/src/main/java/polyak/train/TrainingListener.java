package polyak.train;

/** Observes a training run: every step, every evaluation. Default methods do nothing. */
public interface TrainingListener {
  default void onStep(TrainingState state, StepReport step) {}

  default void onEvaluation(TrainingState state, EvaluationReport evaluation) {}

  TrainingListener NONE = new TrainingListener() {};
}
