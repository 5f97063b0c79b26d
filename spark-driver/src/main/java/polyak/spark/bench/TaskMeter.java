package polyak.spark.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Counts, per label the benchmark sets before each measured phase, the "gradient" jobs (polyak's
 * iteration jobs, MLlib's {@code treeAggregate} loss-and-gradient jobs) and the executor run time
 * of their tasks. The same meter for both trainers, so examples per task-second compare like with
 * like.
 */
final class TaskMeter extends SparkListener {
  /**
   * Totals of one label: gradient jobs, their tasks, their tasks' executor run time in ms; all
   * jobs.
   */
  static final class Totals {
    long gradientJobs;
    long gradientTasks;
    long gradientRunMs;
    long jobs;

    /**
     * Of the gradient jobs: serialized results of their result tasks (what the driver receives),
     * and the shuffle bytes their tasks wrote and read (executor to executor).
     */
    long resultBytes;

    long shuffleWriteBytes;
    long shuffleReadBytes;
  }

  private volatile String label = "(none)";
  private final Map<Integer, String> stageLabel = new ConcurrentHashMap<>();
  private final Map<Integer, Boolean> stageGradient = new ConcurrentHashMap<>();
  private final Map<String, Totals> totals = new ConcurrentHashMap<>();

  void label(String l) {
    label = l;
  }

  Totals totals(SparkContext sc, String l) {
    drain(sc);
    return totals.getOrDefault(l, new Totals());
  }

  /** Waits until the listener bus has delivered every event posted so far. */
  static void drain(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty();
    } catch (Exception e) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    String l = label;
    String description =
        e.properties() == null ? null : e.properties().getProperty("spark.job.description");
    // spark.long_lived_tasks: one barrier job whose tasks compute every iteration's gradients
    boolean gradient =
        description != null
            && (description.startsWith("polyak iteration")
                || description.startsWith("polyak long-lived gradient tasks"));
    for (StageInfo s : CollectionConverters.asJava(e.stageInfos())) {
      gradient |= s.name().startsWith("treeAggregate");
    }
    Totals t = totals.computeIfAbsent(l, k -> new Totals());
    synchronized (t) {
      t.jobs++;
      if (gradient) {
        t.gradientJobs++;
      }
    }
    for (StageInfo s : CollectionConverters.asJava(e.stageInfos())) {
      stageLabel.put(s.stageId(), l);
      stageGradient.put(s.stageId(), gradient);
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    String l = stageLabel.get(e.stageId());
    TaskMetrics m = e.taskMetrics();
    if (l == null || m == null || !Boolean.TRUE.equals(stageGradient.get(e.stageId()))) {
      return;
    }
    Totals t = totals.computeIfAbsent(l, k -> new Totals());
    synchronized (t) {
      t.gradientTasks++;
      t.gradientRunMs += m.executorRunTime();
      if ("ResultTask".equals(e.taskType())) {
        t.resultBytes += m.resultSize();
      }
      t.shuffleWriteBytes += m.shuffleWriteMetrics().bytesWritten();
      t.shuffleReadBytes += m.shuffleReadMetrics().totalBytesRead();
    }
  }
}
