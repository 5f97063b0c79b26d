package polyak.spark.cli;

import java.io.PrintWriter;
import org.apache.spark.SparkException;
import polyak.data.DataException;
import polyak.spark.config.ConfigError;
import polyak.spec.SpecException;

/**
 * Turns an exception into the one line a user needs ("polyak: <file/key/row>: <problem>") and an
 * exit code: 2 for bad input (config, spec, data), 1 for anything else. Spark's wrappers are peeled
 * off so the message of the original cause shows.
 */
final class Failures {
  private Failures() {}

  static int report(Throwable e, PrintWriter err) {
    Throwable root = unwrap(e);
    boolean badInput = root instanceof ConfigError || root instanceof DataException || root instanceof SpecException
        || root instanceof IllegalArgumentException;
    err.println("polyak: " + message(root));
    if (!badInput && System.getenv("POLYAK_DEBUG") != null) {
      root.printStackTrace(err);
    }
    err.flush();
    return badInput ? 2 : 1;
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof SparkException || t instanceof java.util.concurrent.ExecutionException
        || t instanceof java.io.UncheckedIOException && t.getCause() != null) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
