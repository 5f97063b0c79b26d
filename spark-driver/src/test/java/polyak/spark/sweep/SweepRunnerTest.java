package polyak.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.spark.SparkTestSession;
import polyak.spark.metrics.StepLine;
import polyak.spark.run.TrainJob;

/**
 * Whole sweeps on a 1200-row Fashion-MNIST subset with a 784-32-10 network: failures recorded and
 * skipped over, resume after a kill, the wall-clock cap, reuse of identical setups, and the report.
 */
class SweepRunnerTest {
  private static final String BASE =
      """
      data { train.limit = 1200, test.limit = 300 }
      network.layers = ["dense 32", relu, "dense 10"]
      training { epochs = 1, batch_size = 200, seed = 7, reference_batch = 200 }
      optimizer.name = sgd
      learning_rate.initial = 0.1
      """;

  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("SweepRunnerTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Stands in for a killed JVM: an Error the sweep does not catch. */
  static final class SimulatedKill extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedKill(long step) {
      super("killed after iteration " + step);
    }
  }

  /** Counts trial starts and lets a test interrupt chosen trials. */
  static final class Recorder implements SweepRunner.Hooks {
    final List<String> started = new ArrayList<>();
    final List<Boolean> resuming = new ArrayList<>();
    final Map<String, TrainJob.StepControl> controls = new java.util.HashMap<>();

    @Override
    public void trialStarting(Trial t, boolean resume) {
      started.add(t.variant() + "@" + t.overrides().get("training.batch_size"));
      resuming.add(resume);
    }

    @Override
    public TrainJob.StepControl control(Trial t) {
      return controls.get(t.overrides().get("training.batch_size"));
    }
  }

  private List<TrialResult> run(SweepSpec spec, String out, SweepRunner.Hooks hooks)
      throws IOException {
    PrintStream console =
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new SweepRunner(spark, spec, List.of(), out, console, hooks).run();
  }

  @Test
  void failedTrialsAreRecordedAndTheSweepGoesOn() throws IOException {
    SweepSpec spec =
        SweepSpec.parse(
            BASE
                + """
        sweep {
          variants {
            a_diverges { learning_rate.initial = 1e300 }
            b_bad_value { optimizer.momentum = 1.5, optimizer.name = momentum }
            c_ok { training.rate_scaling = none }
            d_linear_at_reference { training.rate_scaling = linear, learning_rate.warmup_epochs = 1 }
            e_collapses {
              network.layers = ["dense 32 init=zeros", relu, "dense 10 init=zeros"]
              training.epochs = 3, evaluation.every = 1, divergence.chance_margin = 0.05
            }
            f_ensemble { ensemble.members = 2 }
          }
          description = "unit test sweep"
        }
        """,
            "test");
    String out = tmp.resolve("sweep").toString();
    Map<String, TrialResult> r = byVariant(run(spec, out, SweepRunner.Hooks.NONE));
    assertEquals(TrialStatus.FAILED, r.get("a_diverges").status());
    assertTrue(r.get("a_diverges").error().contains("diverged"), r.get("a_diverges").error());
    assertEquals(TrialStatus.FAILED, r.get("b_bad_value").status());
    assertTrue(
        r.get("b_bad_value").error().contains("optimizer.momentum"), r.get("b_bad_value").error());
    TrialResult ok = r.get("c_ok");
    assertEquals(TrialStatus.DONE, ok.status());
    assertEquals(6, ok.iterations());
    assertTrue(ok.finalAccuracy() > 0.2, "accuracy " + ok.finalAccuracy());
    assertTrue(Files.isRegularFile(tmp.resolve("sweep/trials/" + ok.id() + "/model.polyak")));
    // linear scaling at the reference batch with its (then empty) warmup is the same run: reused
    TrialResult same = r.get("d_linear_at_reference");
    assertEquals(ok.id(), same.sameAs());
    assertEquals(ok.finalAccuracy(), same.finalAccuracy());
    // zero weights behind a ReLU: only the output biases learn, the accuracy stays at chance
    TrialResult collapsed = r.get("e_collapses");
    assertEquals(TrialStatus.COLLAPSED, collapsed.status(), collapsed::toString);
    assertTrue(collapsed.error().contains("chance level"), collapsed.error());
    TrialResult ensemble = r.get("f_ensemble");
    assertEquals(TrialStatus.FAILED, ensemble.status());
    assertTrue(ensemble.error().contains("not in a sweep"), ensemble.error());

    List<String> csv = Files.readAllLines(tmp.resolve("sweep/results.csv"));
    assertEquals(7, csv.size());
    assertTrue(csv.stream().anyMatch(l -> l.contains(",collapsed,")), csv::toString);
    assertTrue(
        csv.get(0)
            .startsWith("trial,variant,stage,overrides,status,batch_size,final_val_accuracy"));
    assertEquals(6, Files.readAllLines(tmp.resolve("sweep/results.jsonl")).size());

    List<String> summary =
        SweepReport.write(out, spark.sparkContext().hadoopConfiguration(), spec.description());
    assertTrue(
        summary.stream().anyMatch(s -> s.startsWith("c_ok: batch 200 reaches")),
        summary.toString());
    assertTrue(summary.contains("a_diverges: no finished trial"), summary.toString());
    String html = Files.readString(tmp.resolve("sweep/report/index.html"));
    assertTrue(html.contains("unit test sweep") && html.contains("training diverged"));
    assertTrue(Files.size(tmp.resolve("sweep/report/accuracy_vs_epoch_b200.png")) > 5000);
    assertTrue(Files.size(tmp.resolve("sweep/report/learning_rate_c_ok.png")) > 5000);
  }

  @Test
  void aKilledSweepResumesWithoutRerunningFinishedTrials() throws IOException {
    SweepSpec spec =
        SweepSpec.parse(
            BASE
                + """
        training.epochs = 2
        sweep { axes { training.batch_size = [100, 200, 300] }, checkpoint_epochs = 1 }
        """,
            "test");
    String out = tmp.resolve("sweep").toString();
    Recorder first = new Recorder();
    // batch 200: 6 iterations per epoch, a checkpoint after 6; the "kill" comes after iteration 9
    first.controls.put(
        "200",
        step -> {
          if (step == 9) {
            throw new SimulatedKill(step);
          }
          return false;
        });
    assertThrows(SimulatedKill.class, () -> run(spec, out, first));
    assertEquals(List.of("null@100", "null@200"), first.started);
    List<Trial> trials = SweepPlan.firstStage(spec);
    Path done = tmp.resolve("sweep/trials/" + trials.get(0).id());
    FileTime model = Files.getLastModifiedTime(done.resolve("model.polyak"));
    FileTime status = Files.getLastModifiedTime(done.resolve("trial.json"));
    assertEquals(1, Files.readAllLines(tmp.resolve("sweep/results.jsonl")).size());

    Recorder second = new Recorder();
    Map<String, TrialResult> r =
        run(spec, out, second).stream()
            .collect(
                Collectors.toMap(
                    t -> t.overrides().get("training.batch_size"), Function.identity()));
    assertEquals(List.of("null@200", "null@300"), second.started);
    assertEquals(List.of(true, false), second.resuming);
    assertEquals(model, Files.getLastModifiedTime(done.resolve("model.polyak")));
    assertEquals(status, Files.getLastModifiedTime(done.resolve("trial.json")));
    TrialResult resumed = r.get("200");
    assertEquals(TrialStatus.DONE, resumed.status());
    assertEquals(6, resumed.resumedFrom());
    assertEquals(12, resumed.iterations());
    List<StepLine> steps =
        TrialMetrics.read(
                out + "/trials/" + resumed.id(), spark.sparkContext().hadoopConfiguration())
            .steps();
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L),
        steps.stream().map(StepLine::step).toList());
    assertEquals(0, r.get("300").resumedFrom());
    assertEquals(3, Files.readAllLines(tmp.resolve("sweep/results.jsonl")).size());

    // a third run has nothing left to do
    Recorder third = new Recorder();
    run(spec, out, third);
    assertEquals(List.of(), third.started);
  }

  @Test
  void aCappedTrialIsRecordedAndContinuedByTheNextRun() throws IOException {
    String out = tmp.resolve("sweep").toString();
    SweepSpec capped =
        SweepSpec.parse(
            BASE + "sweep { axes { training.seed = [3] }, max_minutes_per_trial = 1e-6 }", "test");
    TrialResult first = run(capped, out, SweepRunner.Hooks.NONE).get(0);
    assertEquals(TrialStatus.CAPPED, first.status());
    assertEquals(1, first.iterations());
    assertTrue(first.error().contains("wall-clock cap"), first.error());
    TrialResult second =
        run(
                SweepSpec.parse(BASE + "sweep { axes { training.seed = [3] } }", "test"),
                out,
                SweepRunner.Hooks.NONE)
            .get(0);
    assertEquals(first.id(), second.id());
    assertEquals(TrialStatus.DONE, second.status());
    assertEquals(1, second.resumedFrom());
    assertEquals(6, second.iterations());
    assertNull(second.error());
  }

  /**
   * Steps to target with per-batch tuning: each trial stops at its first evaluation at or above the
   * target and records that step, the examples seen and the noise scale; each batch's point is its
   * best trial; the report draws steps to target against batch size.
   */
  @Test
  void trialsStopAtTheTargetAndEachBatchKeepsItsBestTrial() throws IOException {
    SweepSpec spec =
        SweepSpec.parse(
            BASE
                + """
        data.partitions = 3
        training.epochs = 4
        evaluation { every = 2, target_accuracy = 0.45 }
        noise_scale { enabled = true, decay = 0.9 }
        sweep {
          axes { training.batch_size = [100, 200] }
          random {
            trials = 2, seed = 5, per_point = true
            params { "learning_rate.initial" { dist = log_uniform, min = 0.03, max = 0.3 } }
          }
          checkpoint_epochs = 0
        }
        """,
            "test");
    String out = tmp.resolve("sweep").toString();
    List<TrialResult> rows = run(spec, out, SweepRunner.Hooks.NONE);
    assertEquals(4, rows.size());
    // per_point: each batch size has its own learning-rate draws
    assertEquals(
        4, rows.stream().map(r -> r.overrides().get("learning_rate.initial")).distinct().count());
    // and their first draws are not alike (nearby java.util.Random seeds would give ~ equal ones)
    double a = Double.parseDouble(rows.get(0).overrides().get("learning_rate.initial"));
    double b = Double.parseDouble(rows.get(2).overrides().get("learning_rate.initial"));
    assertTrue(Math.abs(Math.log(a / b)) > 0.05, a + " vs " + b);
    int reached = 0;
    for (TrialResult r : rows) {
      assertEquals(0.45, r.targetAccuracy());
      TrialMetrics m =
          TrialMetrics.read(out + "/trials/" + r.id(), spark.sparkContext().hadoopConfiguration());
      polyak.spark.metrics.EvalLine first = m.firstReaching(0.45);
      if (first == null) {
        assertEquals(0, r.targetStep());
        continue;
      }
      reached++;
      assertEquals(first.step(), r.targetStep(), r::toString);
      assertEquals(r.targetStep(), r.iterations(), "stopped at the first evaluation above target");
      assertEquals(r.targetStep() * r.batchSize(), r.targetExamples());
      assertEquals(m.evals().get(m.evals().size() - 1), first, "no evaluation after it");
      assertTrue(Double.isFinite(r.noiseScale()), "noise scale logged: " + r);
    }
    assertTrue(reached >= 2, "at least two trials reach 45 %: " + rows);
    for (StepsToTarget.Point p : StepsToTarget.perBatch(rows).get("all trials")) {
      long fewest =
          rows.stream()
              .filter(r -> r.batchSize() == p.batchSize() && r.reachedTarget())
              .mapToLong(TrialResult::targetStep)
              .min()
              .orElse(0);
      assertEquals(fewest, p.isReached() ? p.best().targetStep() : 0);
      assertEquals(2, p.trials());
    }
    List<String> summary =
        SweepReport.write(out, spark.sparkContext().hadoopConfiguration(), "target test");
    assertTrue(summary.get(0).contains("steps"), summary.toString());
    assertTrue(Files.size(tmp.resolve("sweep/report/steps_to_target_vs_batch.png")) > 5000);
    assertTrue(Files.size(tmp.resolve("sweep/report/examples_to_target_vs_batch.png")) > 5000);
  }

  private static Map<String, TrialResult> byVariant(List<TrialResult> rs) {
    return rs.stream().collect(Collectors.toMap(TrialResult::variant, Function.identity()));
  }
}
