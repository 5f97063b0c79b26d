package polyak.spark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import polyak.spark.cli.PolyakCli;

/**
 * The app jar on a real standalone cluster: a master and two workers (separate JVMs, started by
 * {@code deploy/standalone-cluster}), each worker launching one single-core executor JVM, the
 * driver started by {@code deploy/submit}. The same training in local mode is the oracle: partition
 * results are summed in partition order, so the parameters must be bit-identical — also when an
 * executor JVM is killed mid-training and Spark recomputes its tasks and its lost cached blocks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  static final Path WORK = Deploy.TARGET.resolve("deploy-it/standalone");

  /** 1200 Fashion-MNIST rows in 4 partitions, batch 100: 12 iterations per epoch, 2 epochs. */
  static final List<String> TRAINING =
      List.of(
          "data.train.limit=1200",
          "data.test.limit=200",
          "data.partitions=4",
          "network.layers=[\"dense 64\", relu, \"dense 10\"]",
          "training.batch_size=100",
          "training.epochs=2",
          "training.seed=7");

  static final int ITERATIONS = 24;

  /** 784-64-10: the values of one gradient. */
  static final int PARAMETERS = 784 * 64 + 64 + 64 * 10 + 10;

  static final int KILL_AT = 6;

  static LocalStandaloneCluster cluster;
  static double[] localParams;

  @BeforeAll
  static void startClusterAndTrainLocally() throws Exception {
    Deploy.assumePackaged();
    assumeTrue(
        Deploy.fashionMnistInstalled(),
        "Fashion-MNIST is not installed in " + Deploy.FASHION_MNIST);
    Deploy.appJar();
    deleteRecursively(WORK);
    Files.createDirectories(WORK);
    long t0 = System.nanoTime();
    // one host per worker (127.0.0.1, 127.0.0.2), for the speculation case
    cluster = LocalStandaloneCluster.start(WORK.resolve("cluster"), 2, true);
    System.out.printf(
        "cluster %s up in %.1f s%n", cluster.masterUrl, (System.nanoTime() - t0) / 1e9);

    // The oracle: the same training in local mode, in this JVM, from the unshaded classes.
    t0 = System.nanoTime();
    Path local = WORK.resolve("local");
    List<String> args = new ArrayList<>(List.of("train", "--master", "local[2]"));
    args.addAll(TRAINING);
    args.add("output.dir=" + local);
    assertEquals(0, PolyakCli.execute(args.toArray(String[]::new)), "local-mode training failed");
    localParams = Deploy.params(local.resolve("model.polyak"));
    System.out.printf("local run in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void trainsOnBothExecutorsAndEqualsLocalMode() throws Exception {
    Path out = WORK.resolve("cluster-run");
    Path events = Files.createDirectories(WORK.resolve("events-clean"));
    Process driver = submit(out, events, WORK.resolve("cluster-run.log"));
    assertEquals(
        0,
        Deploy.await(driver, Duration.ofMinutes(4), WORK.resolve("cluster-run.log")),
        "submit failed:\n" + Deploy.tail(WORK.resolve("cluster-run.log"), 40));

    List<JsonNode> log = Deploy.events(events);
    Set<String> executors = iterationExecutors(log);
    System.out.println("executors that ran iteration tasks: " + executors);
    assertEquals(
        2, executors.size(), "iteration tasks should run on both executors, ran on " + executors);
    assertEquals(ITERATIONS, Deploy.steps(out));
    assertBitIdentical(localParams, Deploy.params(out.resolve("model.polyak")));
    System.out.printf(
        "direct aggregation: the driver received %.0f B per iteration (%.2f x 8P)%n",
        driverBytesPerIteration(log), driverBytesPerIteration(log) / (8.0 * PARAMETERS));
  }

  /**
   * Reduce-scatter through the shuffle between the two executor JVMs: the same bits as local mode,
   * and the driver receives one gradient's worth of bytes per iteration, not one per partition.
   */
  @Test
  @Order(3)
  void shardedAggregationEqualsLocalModeAndTheDriverReceivesOneGradient() throws Exception {
    Path out = WORK.resolve("sharded-run");
    Path events = Files.createDirectories(WORK.resolve("events-sharded"));
    Path driverLog = WORK.resolve("sharded-run.log");
    Process driver =
        submit(out, events, driverLog, List.of(), List.of("spark.aggregation=sharded"));
    assertEquals(
        0,
        Deploy.await(driver, Duration.ofMinutes(4), driverLog),
        "submit failed:\n" + Deploy.tail(driverLog, 40));
    assertTrue(
        Files.readString(driverLog).contains("aggregation sharded (2 slices)"),
        "the startup line names the mode:\n" + Deploy.tail(driverLog, 40));
    List<JsonNode> log = Deploy.events(events);
    assertEquals(2, iterationExecutors(log).size());
    assertEquals(ITERATIONS, Deploy.steps(out));
    assertBitIdentical(localParams, Deploy.params(out.resolve("model.polyak")));
    double perIteration = driverBytesPerIteration(log);
    System.out.printf(
        "sharded aggregation: the driver received %.0f B per iteration (%.2f x 8P)%n",
        perIteration, perIteration / (8.0 * PARAMETERS));
    assertTrue(
        perIteration <= 1.2 * 8 * PARAMETERS,
        perIteration + " B per iteration > 1.2 x 8 x " + PARAMETERS);
  }

  /**
   * Stragglers: the first attempt of partition 0's gradient task sleeps 3 s every iteration
   * (StragglerDrill), speculation launches copies on the other worker's host, and the copies' bits
   * are the originals' bits: the parameters equal local mode's.
   */
  @Test
  @Order(4)
  void speculativeCopiesOfAStragglerGiveTheSameParameters() throws Exception {
    Path out = WORK.resolve("speculation-run");
    Path events = Files.createDirectories(WORK.resolve("events-speculation"));
    Path driverLog = WORK.resolve("speculation-run.log");
    Process driver =
        submit(
            out,
            events,
            driverLog,
            List.of(
                "--conf",
                "spark.speculation=true",
                "--conf",
                "spark.speculation.interval=100ms",
                "--conf",
                "spark.speculation.quantile=0.5",
                "--conf",
                "spark.speculation.multiplier=2",
                // a copy of partition 0's task prefers the executor caching partition 0, which is
                // busy with the original: without a short locality wait it waits 3 s (the default)
                // per locality level before it may run elsewhere, and the original finishes first
                "--conf",
                "spark.locality.wait=500ms",
                "--conf",
                "spark.executor.extraJavaOptions=-Dpolyak.drill.stallFirstAttemptMs=3000"),
            List.of());
    assertEquals(
        0,
        Deploy.await(driver, Duration.ofMinutes(4), driverLog),
        "submit failed:\n" + Deploy.tail(driverLog, 40));
    List<JsonNode> log = Deploy.events(events);
    long speculativeWins = 0;
    for (JsonNode e : log) {
      if ("SparkListenerTaskEnd".equals(e.path("Event").asText())
          && e.path("Task Info").path("Speculative").asBoolean()
          && "Success".equals(e.path("Task End Reason").path("Reason").asText())) {
        speculativeWins++;
      }
    }
    System.out.println("speculative task copies that succeeded: " + speculativeWins);
    assertTrue(speculativeWins >= ITERATIONS / 2, "speculative copies won " + speculativeWins);
    assertEquals(ITERATIONS, Deploy.steps(out));
    assertBitIdentical(localParams, Deploy.params(out.resolve("model.polyak")));
  }

  /**
   * Serialized results of the iteration jobs' result tasks (what reaches the driver) / iteration.
   */
  static double driverBytesPerIteration(List<JsonNode> events) {
    Set<Integer> stages = iterationStages(events);
    long bytes = 0;
    for (JsonNode e : events) {
      if ("SparkListenerTaskEnd".equals(e.path("Event").asText())
          && stages.contains(e.path("Stage ID").asInt())
          && "ResultTask".equals(e.path("Task Type").asText())
          && "Success".equals(e.path("Task End Reason").path("Reason").asText())) {
        bytes += e.path("Task Metrics").path("Result Size").asLong();
      }
    }
    return (double) bytes / ITERATIONS;
  }

  @Test
  @Order(2)
  void survivesAnExecutorKilledMidTraining() throws Exception {
    Path out = WORK.resolve("fault-run");
    Path events = Files.createDirectories(WORK.resolve("events-fault"));
    Path driverLog = WORK.resolve("fault-run.log");
    Process driver = submit(out, events, driverLog);
    try {
      // Wait for the job of iteration KILL_AT to start (the event log is flushed at every job
      // start;
      // metrics.jsonl on the local file system is not), then kill -9 the executor JVM of worker 1.
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (Deploy.iterationsStarted(events) < KILL_AT) {
        assertTrue(
            driver.isAlive(),
            "driver exited before iteration " + KILL_AT + ":\n" + Deploy.tail(driverLog, 40));
        assertTrue(System.nanoTime() < deadline, "no iteration " + KILL_AT + " within 3 minutes");
        Thread.sleep(50);
      }
      List<Long> pids = cluster.executorPids(1);
      assertEquals(1, pids.size(), "executor JVMs of worker 1: " + pids);
      ProcessHandle.of(pids.get(0)).ifPresent(ProcessHandle::destroyForcibly);
      long killedAt = Deploy.iterationsStarted(events);
      System.out.printf(
          "killed executor pid %d of worker 1 in iteration %d%n", pids.get(0), killedAt);
      assertTrue(
          killedAt < ITERATIONS - 5,
          "the kill came too late to matter (iteration " + killedAt + ")");
    } catch (Throwable t) {
      Deploy.kill(driver.toHandle());
      throw t;
    }
    assertEquals(
        0,
        Deploy.await(driver, Duration.ofMinutes(4), driverLog),
        "training did not survive the lost executor:\n" + Deploy.tail(driverLog, 40));

    List<JsonNode> log = Deploy.events(events);
    Set<String> removed = new TreeSet<>();
    List<String> failedTasks = new ArrayList<>();
    Set<String> added = new TreeSet<>();
    for (JsonNode e : log) {
      switch (e.path("Event").asText()) {
        case "SparkListenerExecutorRemoved" -> removed.add(e.path("Executor ID").asText());
        case "SparkListenerExecutorAdded" -> added.add(e.path("Executor ID").asText());
        case "SparkListenerTaskEnd" -> {
          String reason = e.path("Task End Reason").path("Reason").asText();
          if (!"Success".equals(reason)) {
            failedTasks.add(
                reason + " on executor " + e.path("Task Info").path("Executor ID").asText());
          }
        }
        default -> {}
      }
    }
    System.out.println(
        "executors added " + added + ", removed " + removed + "; failed tasks " + failedTasks);
    assertFalse(removed.isEmpty(), "Spark never saw the executor go");
    assertFalse(
        failedTasks.isEmpty(),
        "no task was lost with the executor: the kill did not hit running work");
    assertEquals(ITERATIONS, Deploy.steps(out));
    assertBitIdentical(localParams, Deploy.params(out.resolve("model.polyak")));
  }

  /** deploy/submit of the app jar to the cluster, with an uncompressed event log. */
  static Process submit(Path out, Path events, Path log) throws IOException {
    return submit(out, events, log, List.of(), List.of());
  }

  /** With more spark-submit options and more training overrides. */
  static Process submit(
      Path out, Path events, Path log, List<String> submitOptions, List<String> overrides)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "deploy/submit",
                "--master",
                cluster.masterUrl,
                "--driver-memory",
                "1g",
                "--conf",
                "spark.executor.memory=768m",
                "--conf",
                "spark.ui.enabled=false",
                // wait for both executors before the first job (else early tasks all go to the
                // first one)
                "--conf",
                "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf",
                "spark.eventLog.enabled=true",
                "--conf",
                "spark.eventLog.compress=false",
                "--conf",
                "spark.eventLog.rolling.enabled=false",
                "--conf",
                "spark.eventLog.dir=file:" + events));
    cmd.addAll(submitOptions);
    cmd.add("--");
    cmd.add("train");
    cmd.addAll(TRAINING);
    cmd.addAll(overrides);
    cmd.add("output.dir=" + out);
    return Deploy.script(log, Map.of(), cmd).start();
  }

  /** Executors that ran a successful task of a "polyak iteration" job. */
  static Set<String> iterationExecutors(List<JsonNode> events) {
    Set<Integer> stages = iterationStages(events);
    Set<String> executors = new TreeSet<>();
    for (JsonNode e : events) {
      if ("SparkListenerTaskEnd".equals(e.path("Event").asText())
          && stages.contains(e.path("Stage ID").asInt())
          && "Success".equals(e.path("Task End Reason").path("Reason").asText())) {
        executors.add(e.path("Task Info").path("Executor ID").asText());
      }
    }
    return executors;
  }

  /** Stages of the "polyak iteration" jobs. */
  static Set<Integer> iterationStages(List<JsonNode> events) {
    Set<Integer> stages = new HashSet<>();
    for (JsonNode e : events) {
      if ("SparkListenerJobStart".equals(e.path("Event").asText())
          && e.path("Properties")
              .path("spark.job.description")
              .asText()
              .startsWith("polyak iteration")) {
        e.path("Stage IDs").forEach(s -> stages.add(s.asInt()));
      }
    }
    return stages;
  }

  static void assertBitIdentical(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, "parameter count");
    for (int i = 0; i < expected.length; i++) {
      if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
        double maxDiff = 0;
        for (int j = 0; j < expected.length; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(expected[j] - actual[j]));
        }
        throw new AssertionError(
            "parameter "
                + i
                + " differs: "
                + expected[i]
                + " vs "
                + actual[i]
                + " (largest difference "
                + maxDiff
                + ")");
      }
    }
    assertTrue(Arrays.equals(expected, actual));
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
