package polyak.spark.checkpoint;

import java.util.Map;

/**
 * A checkpoint as read back: the step it was taken after, the run's provenance (run id, dense
 * kernel, versions: key/value; empty for a version-1 checkpoint), the run's resolved config
 * (HOCON/JSON), the training partition sizes it was taken with (a resumed run must use the same to
 * continue exactly), and the serialized {@link polyak.train.TrainingState}.
 */
public record Checkpoint(
    String location,
    long step,
    Map<String, String> provenance,
    String config,
    int[] partitionRows,
    byte[] state) {
  /** The id of the run that wrote it; "legacy" for checkpoints written before run ids. */
  public String runId() {
    return CheckpointStore.runIdOf(provenance);
  }
}
