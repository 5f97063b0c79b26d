package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * State that a checkpoint can save and restore exactly, without Java serialization: a tag, the
 * parameter count, then named vectors and scalars as raw IEEE-754 bits.
 */
public interface Checkpointable {
  void writeState(DataOutput out) throws IOException;

  /**
   * Reads and checks a saved state without changing this one, and returns what installs it. A
   * caller restoring several parts reads them all first and installs them only when every part read
   * well, so a failed restore changes nothing. On a truncated, corrupt or mismatched state this
   * throws {@link StateMismatchException} naming what mismatched.
   */
  Runnable prepareRestore(DataInput in) throws IOException;

  /**
   * Replaces the current state with the saved one. On a truncated, corrupt or mismatched state this
   * throws {@link StateMismatchException} naming what mismatched, and leaves the current state as
   * it was.
   */
  default void readState(DataInput in) throws IOException {
    prepareRestore(in).run();
  }
}
