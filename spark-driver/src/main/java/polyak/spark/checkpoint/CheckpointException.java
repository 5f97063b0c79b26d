package polyak.spark.checkpoint;

import java.io.IOException;

/** A checkpoint that cannot be used; the message names the file and what is wrong. */
public final class CheckpointException extends IOException {
  public CheckpointException(String message) {
    super(message);
  }
}
