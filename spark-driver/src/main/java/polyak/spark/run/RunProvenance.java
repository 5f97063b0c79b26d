package polyak.spark.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import polyak.nn.kernel.DenseKernels;

/**
 * Who made a run and with what: its run id and everything a bit-for-bit claim depends on (dense
 * kernel, Java, OS/architecture, Spark, aggregation depth, polyak's version and commit). Built once
 * per run and written into every checkpoint and the model file as key/value pairs.
 */
public record RunProvenance(
    String runId,
    String polyakVersion,
    String polyakCommit,
    String kernel,
    String java,
    String os,
    String spark,
    int aggregationDepth) {
  /** The run id of checkpoints, metrics and models written before polyak had run ids. */
  public static final String LEGACY = "legacy";

  public static final String RUN_ID = "run_id";
  public static final String KERNEL = "dense_kernel";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  public RunProvenance {
    Objects.requireNonNull(runId, "runId");
  }

  /**
   * A new run id: UTC start time and 24 random bits, e.g. {@code 20261130-232215-3fa9c1}; sorts by
   * time.
   */
  public static String newRunId() {
    return STAMP.format(Instant.now())
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }

  /** This JVM's provenance for run {@code runId}. */
  public static RunProvenance of(String runId, int aggregationDepth) {
    return new RunProvenance(
        runId,
        Version.current(),
        Version.commit(),
        DenseKernels.name(),
        System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        aggregationDepth);
  }

  /** The ordered key/value form stored in checkpoints and model files. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(RUN_ID, runId);
    m.put("polyak.version", polyakVersion);
    m.put("polyak.commit", polyakCommit);
    m.put(KERNEL, kernel);
    m.put("java", java);
    m.put("os", os);
    m.put("spark", spark);
    m.put("aggregation_depth", Integer.toString(aggregationDepth));
    return m;
  }

  /**
   * One warning line when a run resumed from a checkpoint written under {@code stored} uses another
   * dense kernel (its results then differ in the last bits from an uninterrupted run), else null.
   */
  public static String kernelWarning(Map<String, String> stored, String current) {
    String before = stored.get(KERNEL);
    if (before == null || before.equals(current)) {
      return null;
    }
    return "polyak: warning: the checkpoint was written with dense kernel "
        + before
        + ", this run uses "
        + current
        + ": the continuation is not bit-identical to an uninterrupted run (set POLYAK_KERNEL to match)";
  }
}
