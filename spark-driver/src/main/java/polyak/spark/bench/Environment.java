package polyak.spark.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where a benchmark ran, probed once: commit, CPU, Java, Spark, heap, BLAS threads. Every
 * benchmark's report states it.
 */
public record Environment(
    String commit,
    String cpu,
    int cpus,
    String os,
    String java,
    String spark,
    long maxHeapMiB,
    String openblasThreads) {

  public static Environment probe() {
    return new Environment(
        command("git", "rev-parse", "--short", "HEAD"),
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        Runtime.getRuntime().maxMemory() >> 20,
        System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset"));
  }

  /** One line: CPU, heap, OS, Java, Spark. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%s, %d CPUs (shared with other jobs), max heap %d MiB; %s; %s; Spark %s",
        cpu,
        cpus,
        maxHeapMiB,
        os,
        java,
        spark);
  }

  /** The system load average over the last minute (negative where unknown). */
  public static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the architecture below
    }
    return System.getProperty("os.arch");
  }

  /** First output of a short command (stdout and stderr), or "unknown". */
  private static String command(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()
          ? out
          : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
