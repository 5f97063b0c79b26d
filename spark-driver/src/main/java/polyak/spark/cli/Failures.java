package polyak.spark.cli;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import org.apache.spark.SparkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import polyak.data.DataException;
import polyak.io.ModelFormatException;
import polyak.spark.checkpoint.CheckpointException;
import polyak.spark.config.ConfigError;
import polyak.spec.SpecException;

/**
 * Turns an exception into the one line a user needs ("polyak: <file/key/row>: <problem>") and an
 * exit code: 2 for bad input (config, spec, data, a missing or damaged model or checkpoint file), 1
 * for anything else. Spark's wrappers are peeled off so the message of the original cause shows.
 * The whole trace goes to the log file (polyak-log4j2.properties), which a failure's line names,
 * and to stderr as well with POLYAK_DEBUG set.
 */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  static int report(Throwable e, PrintWriter err) {
    Throwable root = unwrap(e);
    boolean badInput = isBadInput(root);
    LOG.error("polyak: {}", message(root), e);
    String log = badInput ? null : logFile();
    err.println("polyak: " + message(root) + (log == null ? "" : " (details: " + log + ")"));
    if (System.getenv("POLYAK_DEBUG") != null) {
      e.printStackTrace(err);
    }
    err.flush();
    return badInput ? 2 : 1;
  }

  static boolean isBadInput(Throwable root) {
    return root instanceof ConfigError
        || root instanceof DataException
        || root instanceof SpecException
        || root instanceof IllegalArgumentException
        || root instanceof ModelFormatException
        || root instanceof CheckpointException
        || root instanceof FileNotFoundException
        || root instanceof NoSuchFileException;
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof SparkException
            || t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.io.UncheckedIOException && t.getCause() != null)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The log file polyak-log4j2.properties writes to, when it exists (not under the tests' config).
   */
  private static String logFile() {
    String f =
        System.getProperty(
            "polyak.log.file",
            System.getProperty("java.io.tmpdir")
                + File.separator
                + "polyak-"
                + System.getProperty("user.name")
                + ".log");
    return "polyak-log4j2.properties".equals(System.getProperty("log4j2.configurationFile"))
            && new File(f).isFile()
        ? f
        : null;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
