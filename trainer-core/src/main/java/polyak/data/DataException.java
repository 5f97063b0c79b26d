package polyak.data;

/** Bad input data; the message names the file (or source), the row or field, and the problem. */
public final class DataException extends RuntimeException {
  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
