package polyak.spark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.spark.data.BlockStorage;
import polyak.spark.metrics.DataLine;
import polyak.spark.metrics.EvalLine;
import polyak.spark.metrics.Json;
import polyak.spark.metrics.MetricsFile;
import polyak.spark.metrics.MetricsLine;
import polyak.spark.metrics.StepLine;
import polyak.spark.sweep.TrialMetrics;
import polyak.train.EvaluationReport;
import polyak.train.GradientTiming;
import polyak.train.StepReport;

/**
 * metrics.jsonl has one schema: what MetricsLog writes reads back, exactly, through the records the
 * sweep ({@link TrialMetrics}) and the bench ({@link MetricsFile}) read it with; a resumed run
 * keeps the lines up to its checkpoint; lines written before the schema had a version still read.
 */
class MetricsLogTest {
  static final Configuration CONF = new Configuration();

  @TempDir Path dir;

  static final StepReport STEP_1 =
      new StepReport(
          1,
          1.25,
          0.5,
          3.5,
          0.01,
          64,
          20.0,
          5.0,
          new GradientTiming(1.5, 12.25, 6.25, 18.5),
          123.5);

  /** A regression step (no accuracy) from a source without a time split. */
  static final StepReport STEP_2 = new StepReport(2, 0.75, Double.NaN, 2.0, 0.02, 64, 30.0, 10.0);

  static StepLine expected(StepReport r, double epoch, String runId) {
    GradientTiming t = r.timing();
    double total = r.gradientMillis() + r.stepMillis();
    return new StepLine(
        r.step(),
        epoch,
        r.loss(),
        r.accuracy(),
        r.gradientNorm(),
        r.learningRate(),
        r.examples(),
        r.examples() / (total / 1000),
        total,
        t == null ? Double.NaN : t.broadcastMs(),
        t == null ? Double.NaN : t.computeMs(),
        t == null ? Double.NaN : t.aggregateMs(),
        r.stepMillis(),
        r.noiseScale(),
        MetricsLine.VERSION,
        runId);
  }

  void writeRun(String runId) throws IOException {
    try (MetricsLog log = new MetricsLog(dir.toString(), CONF, 0, runId)) {
      log.step(STEP_1, 0.5);
      log.evaluation(new EvaluationReport(1, 0.5, 1.0, 0.625));
      log.step(STEP_2, 1.0);
      log.evaluation(new EvaluationReport(2, 1.0, 0.875, 0.75));
    }
  }

  @Test
  void whatMetricsLogWritesReadsBackThroughTheSweepAndBenchRecords() throws IOException {
    writeRun("run-7");
    List<StepLine> steps = List.of(expected(STEP_1, 0.5, "run-7"), expected(STEP_2, 1.0, "run-7"));
    List<EvalLine> evals =
        List.of(
            new EvalLine(1, 0.5, 1.0, 0.625, MetricsLine.VERSION, "run-7"),
            new EvalLine(2, 1.0, 0.875, 0.75, MetricsLine.VERSION, "run-7"));

    MetricsFile bench = MetricsFile.read(dir.toString(), CONF);
    assertEquals(steps, bench.steps());
    assertEquals(evals, bench.evals());
    TrialMetrics sweep = TrialMetrics.read(dir.toString(), CONF);
    assertEquals(steps, sweep.steps());
    assertEquals(evals, sweep.evals());
    assertEquals(0.75, sweep.finalAccuracy());
    assertEquals(2, sweep.iterations());
    assertEquals((25.0 + 40.0) / 1000, sweep.trainSeconds(), 1e-15);

    List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
    assertEquals(4, lines.size());
    assertTrue(lines.get(0).startsWith("{\"type\":\"step\",\"step\":1,"), lines.get(0));
    assertTrue(lines.get(1).startsWith("{\"type\":\"eval\",\"step\":1,"), lines.get(1));
    JsonNode regression = Json.MAPPER.readTree(lines.get(2));
    assertTrue(regression.get("accuracy").isNull(), "NaN is written as null: " + lines.get(2));
    assertTrue(
        regression.get("ms_compute").isNull(), "no time split is written as null: " + lines.get(2));
    assertEquals(MetricsLine.VERSION, regression.get("version").asInt());
    assertEquals("run-7", regression.get("run_id").asText());
  }

  @Test
  void theDataLineSaysHowMuchOfTheCachedTrainingDataIsInMemory() throws IOException {
    try (MetricsLog log = new MetricsLog(dir.toString(), CONF, 0, "run-9")) {
      log.data(0, 1000, 784, -1, new BlockStorage(4, 4, 3L << 20, 1L << 20));
      log.step(STEP_1, 0.5);
    }
    MetricsFile f = MetricsFile.read(dir.toString(), CONF);
    assertEquals(
        List.of(
            new DataLine(
                0, 1000, 784, null, 4, 4, 3L << 20, 1L << 20, 0.75, MetricsLine.VERSION, "run-9")),
        f.data());
    assertEquals(List.of(expected(STEP_1, 0.5, "run-9")), f.steps(), "step lines read as before");
    String first = Files.readAllLines(dir.resolve("metrics.jsonl")).get(0);
    assertTrue(first.startsWith("{\"type\":\"data\",\"step\":0,"), first);
    JsonNode node = Json.MAPPER.readTree(first);
    assertEquals(0.75, node.get("in_memory").asDouble());
    assertTrue(node.get("non_zeros").isNull(), "dense blocks: " + first);
    // the sweep's reader skips the line type it does not use
    assertEquals(1, TrialMetrics.read(dir.toString(), CONF).iterations());
  }

  @Test
  void aResumedRunKeepsTheLinesUpToItsCheckpointAndDropsALineCutShort() throws IOException {
    writeRun("run-7");
    Files.writeString(
        dir.resolve("metrics.jsonl"),
        "{\"type\":\"step\",\"step\":3,\"epo",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (MetricsLog log = new MetricsLog(dir.toString(), CONF, 1, "run-7")) {
      log.step(STEP_2, 1.0);
    }
    MetricsFile f = MetricsFile.read(dir.toString(), CONF);
    assertEquals(
        List.of(expected(STEP_1, 0.5, "run-7"), expected(STEP_2, 1.0, "run-7")), f.steps());
    assertEquals(
        List.of(new EvalLine(1, 0.5, 1.0, 0.625, MetricsLine.VERSION, "run-7")), f.evals());
    assertEquals(3, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
  }

  @Test
  void aResumedRunDropsAnotherRunsLines() throws IOException {
    writeRun("run-7");
    try (MetricsLog log = new MetricsLog(dir.toString(), CONF, 1, "run-8")) {
      log.step(STEP_2, 1.0);
    }
    MetricsFile f = MetricsFile.read(dir.toString(), CONF);
    assertEquals(List.of(expected(STEP_2, 1.0, "run-8")), f.steps());
    assertEquals(List.of(), f.evals());
  }

  @Test
  void linesWrittenBeforeTheSchemaHadAVersionStillRead() throws IOException {
    Files.writeString(
        dir.resolve("metrics.jsonl"),
        """
        {"type":"step","step":1,"epoch":0.500000,"loss":1.25000,"accuracy":null,"grad_norm":3.50000,\
        "learning_rate":0.0100000,"examples":64,"examples_per_s":2560.00,"ms_total":25.0000,\
        "ms_broadcast":1.50000,"ms_compute":12.2500,"ms_aggregate":6.25000,"ms_driver_step":5.00000}
        {"type":"eval","step":1,"epoch":0.500000,"loss":1.00000,"accuracy":0.625000}
        {"type":"something_newer","step":1}
        """,
        StandardCharsets.UTF_8);
    MetricsFile f = MetricsFile.read(dir.toString(), CONF);
    assertEquals(
        List.of(
            new StepLine(
                1,
                0.5,
                1.25,
                Double.NaN,
                3.5,
                0.01,
                64,
                2560,
                25,
                1.5,
                12.25,
                6.25,
                5,
                Double.NaN,
                0,
                null)),
        f.steps());
    assertEquals(List.of(new EvalLine(1, 0.5, 1.0, 0.625, 0, null)), f.evals());
  }
}
