package polyak.spark.train;

import org.apache.spark.TaskContext;

/**
 * A straggler on demand, for proving that speculative copies of gradient tasks give the same bits:
 * with the executor JVM property {@code polyak.drill.stallFirstAttemptMs} = N &gt; 0 (set through
 * {@code spark.executor.extraJavaOptions}), the first attempt of partition 0's gradient task sleeps
 * N ms before it computes, so Spark's speculation launches a copy elsewhere. Off by default: the
 * property is read once into a constant, and the check is then a comparison with zero.
 */
final class StragglerDrill {
  private static final long STALL_MS = Long.getLong("polyak.drill.stallFirstAttemptMs", 0);

  private StragglerDrill() {}

  static void stallFirstAttempt(int partition) {
    if (STALL_MS <= 0 || partition != 0) {
      return;
    }
    TaskContext task = TaskContext.get();
    if (task == null || task.attemptNumber() != 0) {
      return;
    }
    try {
      Thread.sleep(STALL_MS);
    } catch (InterruptedException e) {
      // Spark kills the original once the speculative copy has won
      Thread.currentThread().interrupt();
    }
  }
}
