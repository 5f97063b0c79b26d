package polyak.spark.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.ShutdownHookManager;
import scala.runtime.AbstractFunction0;
import scala.runtime.BoxedUnit;

/**
 * A clean stop on SIGTERM/SIGINT for {@code polyak train}: a shutdown hook that runs before Spark's
 * own (which stop the executor and the SparkContext under the running job and used to end the run
 * with an internal error about a destroyed broadcast) asks the training loop to stop after its
 * current iteration and waits, up to {@link #GRACE_SECONDS}, until the run has written its
 * checkpoint and said where it can be resumed from.
 */
final class StopSignal {
  static final int GRACE_SECONDS = 25;
  private static volatile boolean requested;
  private static volatile boolean training;
  private static final CountDownLatch REPORTED = new CountDownLatch(1);

  private StopSignal() {}

  /** Installs the hook (once per JVM; the in-process CLI of the tests never signals). */
  static synchronized void install() {
    // before every hook of Spark's: the local executor's own (default priority) stops its task
    // threads
    ShutdownHookManager.addShutdownHook(
        ShutdownHookManager.DEFAULT_SHUTDOWN_PRIORITY() + 10,
        new AbstractFunction0<BoxedUnit>() {
          @Override
          public BoxedUnit apply() {
            requested = true;
            if (training) {
              try {
                REPORTED.await(GRACE_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return BoxedUnit.UNIT;
          }
        });
  }

  /** The training loop's question after each iteration: stop now? (From then on the hook waits.) */
  static boolean stopAfter(long step) {
    training = true;
    return requested;
  }

  static boolean requested() {
    return requested;
  }

  /** The command has reported its outcome: the JVM may finish shutting down. */
  static void reported() {
    REPORTED.countDown();
  }
}
