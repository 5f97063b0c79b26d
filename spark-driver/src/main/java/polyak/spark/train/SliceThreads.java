package polyak.spark.train;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor JVM's threads for the extra slices of a task's share ({@link
 * polyak.train.ThreadSlices}): a task runs slice 0 itself and hands slices 1..T−1 to these. Daemon
 * threads kept alive while used, so each keeps its own {@link ExecutorNetworks} entries across
 * iterations.
 */
final class SliceThreads {
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "polyak-slice-" + COUNT.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });

  private SliceThreads() {}

  static ExecutorService pool() {
    return POOL;
  }
}
