package polyak.spark.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import polyak.io.ModelFile;
import polyak.spark.metrics.MetricsFile;

/**
 * Runs the scripts in {@code deploy/} from tests: a standalone cluster, submissions of the app jar,
 * and what they leave behind (models, metrics, Spark event logs). Every process is started with a
 * timeout and killed (with its descendants) when it runs over.
 */
final class Deploy {
  static final Path ROOT =
      Path.of(System.getProperty("polyak.root", "..")).toAbsolutePath().normalize();
  static final Path TARGET = ROOT.resolve("spark-driver/target");
  static final Path FASHION_MNIST =
      Path.of(
          System.getenv()
              .getOrDefault("POLYAK_FASHION_MNIST", "/usr/share/datasets/fashion-mnist"));
  private static final ObjectMapper JSON = new ObjectMapper();

  private Deploy() {}

  static boolean fashionMnistInstalled() {
    return Files.exists(FASHION_MNIST.resolve("train-images-idx3-ubyte.gz"));
  }

  /**
   * The *IT classes need the packaged app jar: failsafe runs them after `package` and names the jar
   * (polyak.app.jar). Run by surefire (e.g. `mvn test -Dtest='polyak.spark.deploy.**'`, which also
   * matches them) they are skipped rather than run against a stale jar.
   */
  static void assumePackaged() {
    assumeTrue(
        System.getProperty("polyak.app.jar") != null,
        "needs the packaged app jar: runs in `mvn verify` (failsafe), e.g. -Dit.test='polyak.spark.deploy.**'");
  }

  static Path appJar() {
    String p = System.getProperty("polyak.app.jar");
    Path jar = p != null ? Path.of(p) : TARGET.resolve("polyak-app-0.1.0-SNAPSHOT.jar");
    assertTrue(
        Files.isRegularFile(jar),
        jar + " is missing: the deploy ITs run after `package` (mvn verify)");
    return jar;
  }

  /**
   * A process for a deploy/ script with a test environment: the app jar of this build (never
   * rebuilt from a test), no SPARK_HOME (so the Maven jars are used, as on a machine without a
   * Spark distribution), output to {@code log}.
   */
  static ProcessBuilder script(Path log, Map<String, String> env, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("POLYAK_NO_BUILD", "1");
    pb.environment().put("POLYAK_APP_JAR", appJar().toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb;
  }

  /** Waits for {@code p}; kills it and its descendants on timeout. Returns the exit code. */
  static int await(Process p, Duration timeout, Path log) throws InterruptedException {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill(p.toHandle());
      p.waitFor(10, TimeUnit.SECONDS);
      fail("timed out after " + timeout + "; output in " + log + ":\n" + tail(log, 40));
    }
    return p.exitValue();
  }

  static void kill(ProcessHandle h) {
    h.descendants().forEach(ProcessHandle::destroyForcibly);
    h.destroyForcibly();
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  static double[] params(Path model) throws IOException {
    return ModelFile.load(model).params();
  }

  /** {@code "type":"step"} lines written so far to a run's metrics.jsonl (0 if none yet). */
  static long steps(Path outputDir) {
    Path metrics = outputDir.resolve("metrics.jsonl");
    if (!Files.exists(metrics)) {
      return 0;
    }
    try {
      return MetricsFile.read(outputDir.toString(), new Configuration()).steps().size();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  /**
   * "polyak iteration" jobs started so far, from the event log in {@code dir} (0 before it exists).
   */
  static long iterationsStarted(Path dir) throws IOException {
    List<Path> logs;
    try (Stream<Path> s = Files.list(dir)) {
      logs = s.filter(f -> f.getFileName().toString().startsWith("app-")).toList();
    }
    long n = 0;
    for (Path log : logs) {
      try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
        n +=
            lines
                .filter(
                    l ->
                        l.startsWith("{\"Event\":\"SparkListenerJobStart\"")
                            && l.contains("\"spark.job.description\":\"polyak iteration "))
                .count();
      } catch (UncheckedIOException e) {
        // a line cut in the middle of a write: count again on the next poll
      }
    }
    return n;
  }

  /** The events of the one (finished) application whose event log is in {@code dir}. */
  static List<JsonNode> events(Path dir) throws IOException {
    List<Path> logs;
    try (Stream<Path> s = Files.list(dir)) {
      logs =
          s.filter(
                  f ->
                      f.getFileName().toString().startsWith("app-")
                          && !f.toString().endsWith(".crc"))
              .toList();
    }
    assertTrue(logs.size() == 1, "expected one event log in " + dir + ", found " + logs);
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(logs.get(0), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        events.add(JSON.readTree(line));
      }
    }
    return events;
  }

  /** The Spark main class a JVM runs (its command line), or "" when unreadable. */
  static String commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
