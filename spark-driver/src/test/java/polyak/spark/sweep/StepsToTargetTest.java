package polyak.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-batch tuning: a batch size's point is its best trial; trials that miss the target count. */
class StepsToTargetTest {
  static TrialResult row(String id, String variant, int batch, long targetStep, double noise) {
    return new TrialResult(
        id,
        variant,
        "random",
        Map.of("learning_rate.initial", id),
        TrialStatus.DONE,
        batch,
        0.8,
        0.8,
        0.5,
        0.5,
        1,
        targetStep == 0 ? 50 : targetStep,
        1,
        1,
        100,
        0,
        null,
        null,
        0.8,
        targetStep,
        targetStep * batch,
        noise);
  }

  @Test
  void eachBatchKeepsItsFewestStepsTrialAndCountsTheMisses() {
    List<TrialResult> rows =
        List.of(
            row("a", null, 64, 40, 100),
            row("b", null, 64, 25, 120),
            row("c", null, 64, 0, Double.NaN),
            row("d", null, 256, 0, Double.NaN),
            row("e", null, 256, 12, 300),
            row("f", null, 256, 9, 200),
            row("g", null, 1024, 0, Double.NaN),
            row("h", null, 1024, 0, Double.NaN),
            row("x", "other", 64, 3, 1));
    Map<String, List<StepsToTarget.Point>> m = StepsToTarget.perBatch(rows);
    List<StepsToTarget.Point> all = m.get("all trials");
    assertEquals(List.of(64, 256, 1024), all.stream().map(StepsToTarget.Point::batchSize).toList());
    assertEquals("b", all.get(0).best().id());
    assertEquals(2, all.get(0).reached());
    assertEquals(3, all.get(0).trials());
    assertEquals("f", all.get(1).best().id());
    assertEquals(9 * 256, all.get(1).best().targetExamples());
    assertFalse(all.get(2).isReached());
    assertNull(all.get(2).best());
    assertEquals(2, all.get(2).trials());
    assertEquals("x", m.get("other").get(0).best().id(), "rules are kept apart");
    // the median of the best trials' estimates (b: 120, f: 200)
    assertEquals(160, StepsToTarget.noiseScale(all));
    // rows without a target are no study points
    assertEquals(
        Map.of(),
        StepsToTarget.perBatch(
            List.of(
                new TrialResult(
                    "n",
                    null,
                    "grid",
                    Map.of(),
                    TrialStatus.DONE,
                    64,
                    0.8,
                    0.8,
                    0.5,
                    0.5,
                    1,
                    5,
                    1,
                    1,
                    100,
                    0,
                    null,
                    null))));
  }
}
