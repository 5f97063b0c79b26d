package polyak.spark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A master and workers started by {@code deploy/standalone-cluster start} with its own state
 * directory. {@link #close} runs {@code stop}; a shutdown hook does too, should the test JVM end
 * without reaching it.
 */
final class LocalStandaloneCluster implements AutoCloseable {
  final Path state;
  final String masterUrl;
  private final Path log;
  private final Thread hook;
  private boolean stopped;

  private LocalStandaloneCluster(Path state, String masterUrl, Path log) {
    this.state = state;
    this.masterUrl = masterUrl;
    this.log = log;
    this.hook = new Thread(this::stopQuietly, "stop " + state);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static LocalStandaloneCluster start(Path state, int workers)
      throws IOException, InterruptedException {
    return start(state, workers, false);
  }

  /**
   * With {@code distinctHosts}, worker i on 127.0.0.i: one host per worker for Spark, which runs a
   * speculative copy only on another host than the original.
   */
  static LocalStandaloneCluster start(Path state, int workers, boolean distinctHosts)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "deploy/standalone-cluster",
                "start",
                "--workers",
                Integer.toString(workers),
                "--cores",
                "1",
                "--memory",
                "1g"));
    if (distinctHosts) {
      command.add("--distinct-hosts");
    }
    Files.createDirectories(state.getParent());
    Path log = state.resolveSibling(state.getFileName() + "-script.log");
    Path urlFile = state.resolveSibling(state.getFileName() + "-url.txt");
    ProcessBuilder pb =
        Deploy.script(log, Map.of("POLYAK_STANDALONE_DIR", state.toString()), command);
    pb.redirectOutput(urlFile.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectErrorStream(false);
    int rc;
    try {
      rc = Deploy.await(pb.start(), Duration.ofMinutes(3), log);
    } catch (AssertionError | InterruptedException e) {
      new LocalStandaloneCluster(state, "", log).close();
      throw e;
    }
    if (rc != 0) {
      new LocalStandaloneCluster(state, "", log).close();
    }
    assertEquals(0, rc, "standalone-cluster start failed:\n" + Deploy.tail(log, 40));
    String url = Files.readString(urlFile).strip();
    return new LocalStandaloneCluster(state, url, log);
  }

  /** The RPC port of worker i (1-based), which its executors name in {@code --worker-url}. */
  int workerPort(int i) throws IOException {
    return Integer.parseInt(Files.readString(state.resolve("worker-" + i + ".port")).strip());
  }

  /** PIDs of the executor JVMs that worker i launched. */
  List<Long> executorPids(int worker) throws IOException {
    String workerUrl = "spark://Worker@127.0.0.1:" + workerPort(worker);
    List<Long> pids = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            h -> {
              String cmd = Deploy.commandLine(h.pid());
              if (cmd.contains("CoarseGrainedExecutorBackend") && cmd.contains(workerUrl + " ")) {
                pids.add(h.pid());
              }
            });
    return pids;
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (Exception e) {
      System.err.println("cannot stop the cluster in " + state + ": " + e);
    }
  }

  private synchronized void stop() throws IOException, InterruptedException {
    if (stopped) {
      return;
    }
    stopped = true;
    Process p =
        Deploy.script(
                log,
                Map.of("POLYAK_STANDALONE_DIR", state.toString()),
                List.of("deploy/standalone-cluster", "stop"))
            .start();
    Deploy.await(p, Duration.ofMinutes(1), log);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }
}
