package polyak.spark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A standalone cluster of single-core workers on this machine, started and stopped by {@code
 * deploy/standalone-cluster} in a state directory of its own. {@link #close} stops it; a shutdown
 * hook does too, should the bench end without reaching it (Ctrl-C, an error).
 */
final class BenchCluster implements AutoCloseable {
  final String masterUrl;
  private final Path script;
  private final Path state;
  private final Thread hook;
  private boolean stopped;

  private BenchCluster(Path script, Path state, String masterUrl) {
    this.script = script;
    this.state = state;
    this.masterUrl = masterUrl;
    this.hook = new Thread(this::stopQuietly, "stop " + state);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts {@code workers} workers of 1 core and {@code memory} each; the app jar must exist. */
  static BenchCluster start(Path script, Path state, int workers, String memory)
      throws IOException, InterruptedException {
    Files.createDirectories(state.getParent());
    Path log = state.resolveSibling(state.getFileName() + "-script.log");
    ProcessBuilder pb =
        new ProcessBuilder(
            script.toString(),
            "start",
            "--workers",
            Integer.toString(workers),
            "--cores",
            "1",
            "--memory",
            memory);
    pb.environment().put("POLYAK_STANDALONE_DIR", state.toString());
    pb.environment().put("POLYAK_NO_BUILD", "1");
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    BenchCluster c = new BenchCluster(script, state, out.isEmpty() ? "" : lastLine(out));
    if (!done || p.exitValue() != 0 || !c.masterUrl.startsWith("spark://")) {
      p.destroyForcibly();
      c.close();
      throw new IOException("cannot start a " + workers + "-worker cluster; see " + log);
    }
    return c;
  }

  private static String lastLine(String s) {
    String[] lines = s.split("\n");
    return lines[lines.length - 1].strip();
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (Exception e) {
      System.err.println("polyak: cannot stop the cluster in " + state + ": " + e);
    }
  }

  private synchronized void stop() throws IOException, InterruptedException {
    if (stopped) {
      return;
    }
    stopped = true;
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "stop");
    pb.environment().put("POLYAK_STANDALONE_DIR", state.toString());
    pb.redirectErrorStream(true)
        .redirectOutput(
            ProcessBuilder.Redirect.appendTo(
                state.resolveSibling(state.getFileName() + "-script.log").toFile()));
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: nothing left to do
    }
  }
}
