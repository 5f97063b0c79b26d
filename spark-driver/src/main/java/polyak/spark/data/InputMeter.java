package polyak.spark.data;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.InputMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * How often data is read. Spark's input metrics ({@link #inputBytes}) count both reads of the
 * source files and reads of cached blocks (Spark adds a cached block's size to the reading task's
 * input bytes), so the source reads alone are taken from Hadoop's file-system statistics ({@link
 * #sourceBytes}), which is where Spark's own file readers take their input bytes from. Source reads
 * are counted in this JVM only: the driver and, in local mode, the executors.
 */
public final class InputMeter extends SparkListener {
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong records = new AtomicLong();
  private final long sourceAtStart = hadoopBytesRead();

  /** A meter listening to {@code sc} from now on. */
  public static InputMeter attach(SparkContext sc) {
    InputMeter meter = new InputMeter();
    sc.addSparkListener(meter);
    return meter;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskMetrics() != null) {
      InputMetrics in = end.taskMetrics().inputMetrics();
      bytes.addAndGet(in.bytesRead());
      records.addAndGet(in.recordsRead());
    }
  }

  /** Waits until the listener bus has delivered every event posted so far. */
  public static void drain(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain", e);
    }
  }

  /** Spark's input bytes (source and cached blocks) since attaching; {@link #drain} first. */
  public long inputBytes() {
    return bytes.get();
  }

  /** Spark's input records (rows or lines of the source, one per cached block read). */
  public long inputRecords() {
    return records.get();
  }

  /** Bytes read through Hadoop file systems (the source files) in this JVM since attaching. */
  public long sourceBytes() {
    return hadoopBytesRead() - sourceAtStart;
  }

  /** Detaches the meter. */
  public void detach(SparkContext sc) {
    sc.removeSparkListener(this);
  }

  @SuppressWarnings("deprecation") // the per-scheme Statistics are what Spark's readers sum too
  private static long hadoopBytesRead() {
    long sum = 0;
    for (FileSystem.Statistics s : FileSystem.getAllStatistics()) {
      sum += s.getBytesRead();
    }
    return sum;
  }
}
