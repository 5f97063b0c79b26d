package polyak.optim;

import java.io.IOException;

/**
 * A saved optimizer or averager state that is truncated, corrupt or does not fit the object reading
 * it.
 */
public final class StateMismatchException extends IOException {
  public StateMismatchException(String message) {
    super(message);
  }
}
