package polyak.spark.run;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import polyak.optim.DivergenceSpec;
import polyak.spark.checkpoint.Checkpoint;
import polyak.spark.checkpoint.CheckpointStore;
import polyak.train.TrainingConfig;

/**
 * After a run diverged or collapsed: removes the checkpoints the run itself wrote once its trouble
 * had begun (so a resume starts from parameters known good), and says what is left to resume from.
 * Checkpoints of earlier runs, other directories and any model file are never touched.
 */
final class TroubleCleanup {
  private TroubleCleanup() {}

  /**
   * How many steps after its beginning trouble may be found: the explosion window, or the collapse
   * detection's evaluations in a row. Checkpoints that recent are kept besides checkpoint.keep (see
   * {@link CheckpointStore#retainingRecent}) so one from before the trouble survives.
   */
  static long detectionLag(TrainingConfig training, long perEpoch) {
    DivergenceSpec d = training.divergence();
    long every = training.evaluateEvery() > 0 ? training.evaluateEvery() : perEpoch;
    return Math.max(d.window(), (long) d.collapseEvaluations() * every);
  }

  /** The tail of the failure message: what was removed and where the run can be resumed from. */
  static String afterTrouble(CheckpointStore store, long firstSuspectStep) {
    StringBuilder sb = new StringBuilder();
    try {
      List<String> removed = store.removeWrittenFrom(firstSuspectStep);
      if (!removed.isEmpty()) {
        sb.append("; removed this run's ")
            .append(removed.size())
            .append(" checkpoint(s) from iteration ")
            .append(firstSuspectStep)
            .append(" on");
      }
      Optional<Checkpoint> left = store.latest();
      sb.append(
          left.map(
                  c ->
                      "; newest checkpoint left: " + c.location() + " (iteration " + c.step() + ")")
              .orElse("; no checkpoint to resume from in " + store.directory()));
    } catch (IOException e) {
      sb.append("; could not tidy the checkpoints in ")
          .append(store.directory())
          .append(": ")
          .append(e.getMessage());
    }
    return sb.append("; any earlier model was left as it was").toString();
  }
}
