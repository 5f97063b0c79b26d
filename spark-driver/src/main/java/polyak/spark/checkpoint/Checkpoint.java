package polyak.spark.checkpoint;

/**
 * A checkpoint as read back: the step it was taken after, the run's resolved config (HOCON/JSON),
 * the training partition sizes it was taken with (a resumed run must use the same to continue
 * exactly), and the serialized {@link polyak.train.TrainingState}.
 */
public record Checkpoint(String location, long step, String config, int[] partitionRows, byte[] state) {}
