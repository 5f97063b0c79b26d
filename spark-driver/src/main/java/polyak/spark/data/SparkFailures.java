package polyak.spark.data;

import java.util.function.Supplier;
import polyak.data.DataException;

/**
 * Runs a Spark action and, when a task failed with a {@link DataException}, rethrows it on the
 * driver with the task's original message as the top-level message (Spark wraps it in "Job aborted
 * due to stage failure: Task 0 in stage 3.0 failed …"). The Spark exception stays attached as the
 * cause.
 */
final class SparkFailures {
  private static final String MARKER = DataException.class.getName() + ": ";

  private SparkFailures() {}

  static <T> T unwrapping(Supplier<T> action) {
    try {
      return action.get();
    } catch (DataException e) {
      throw e;
    } catch (Exception e) { // Scala code throws SparkException, a checked exception, undeclared.
      String message = dataMessage(e);
      if (message != null) {
        throw new DataException(message, e);
      }
      throw e;
    }
  }

  private static String dataMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DataException) {
        return t.getMessage();
      }
    }
    // The task's exception could not be deserialized on the driver: only its text survives.
    String text = e.getMessage();
    int at = text == null ? -1 : text.indexOf(MARKER);
    if (at < 0) {
      return null;
    }
    int end = text.indexOf('\n', at);
    return text.substring(at + MARKER.length(), end < 0 ? text.length() : end).strip();
  }
}
