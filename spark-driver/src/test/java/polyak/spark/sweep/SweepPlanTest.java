package polyak.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import polyak.spark.config.ConfigError;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;

/** Sweep config parsing and expansion: grid, variants, random search, coarse-to-fine; no Spark. */
class SweepPlanTest {
  private static final String BASE = "training.epochs = 2\n";

  @Test
  void gridCrossesVariantsAndAxesWithStableIds() {
    SweepSpec spec =
        SweepSpec.parse(
            BASE
                + """
        sweep {
          axes { "training.batch_size" = [256, 1024], training.seed = [1, 2] }
          variants {
            b_lars { "optimizer.name" = lars, "training.rate_scaling" = sqrt, "learning_rate.warmup_epochs" = 1 }
            a_momentum { optimizer.name = momentum }
          }
        }
        """,
            "test");
    List<Trial> trials = SweepPlan.firstStage(spec);
    assertEquals(8, trials.size());
    // variants by name outermost, then axes by key, the last axis fastest
    assertEquals("a_momentum", trials.get(0).variant());
    assertEquals(
        Map.of(
            "optimizer.name", "\"momentum\"", "training.batch_size", "256", "training.seed", "1"),
        trials.get(0).overrides());
    assertEquals("2", trials.get(1).overrides().get("training.seed"));
    assertEquals("1024", trials.get(2).overrides().get("training.batch_size"));
    assertEquals("b_lars", trials.get(4).variant());
    assertEquals("1", trials.get(4).overrides().get(SweepSpec.WARMUP_EPOCHS));
    assertTrue(
        trials.get(0).id().startsWith("a_momentum_batch_size=256_seed=1-"), trials.get(0).id());
    assertEquals(8, new HashSet<>(trials.stream().map(Trial::id).toList()).size());
    // the same config expands to the same ids (resuming depends on it)
    assertEquals(
        trials.stream().map(Trial::id).toList(),
        SweepPlan.firstStage(
                SweepSpec.parse(
                    BASE
                        + """
            sweep {
              variants {
                a_momentum { optimizer.name = momentum }
                b_lars { "learning_rate.warmup_epochs" = 1, "training.rate_scaling" = sqrt, "optimizer.name" = lars }
              }
              axes { training.seed = [1, 2], "training.batch_size" = [256, 1024] }
            }
            """,
                    "test"))
            .stream()
            .map(Trial::id)
            .toList());
    // the base config keeps no sweep block, so ConfigLoader's unknown-key check passes
    PolyakConfig c = ConfigLoader.parse(spec.baseConfig(), trials.get(7).configOverrides(), "test");
    assertEquals(1024, c.training().batchSize());
    assertEquals(2, c.training().seed());
  }

  @Test
  void unknownSweepAndAxisKeysAreNamed() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                SweepSpec.parse(
                    BASE + "sweep { axes { training.seed = [1] }, trails = 3 }", "s.conf"));
    assertTrue(e.getMessage().contains("'sweep.trails'"), e.getMessage());
    e =
        assertThrows(
            ConfigError.class,
            () ->
                SweepSpec.parse(
                    BASE + "sweep { axes { \"training.batchsize\" = [1, 2] } }", "s.conf"));
    assertTrue(
        e.getMessage().contains("'training.batchsize' is not a known config key"), e.getMessage());
    e =
        assertThrows(
            ConfigError.class,
            () ->
                SweepSpec.parse(
                    BASE
                        + "sweep { random { trials = 2, params { \"optimizer.momentun\" { dist = uniform, min = 0, max = 1 } } } }",
                    "s.conf"));
    assertTrue(e.getMessage().contains("'optimizer.momentun'"), e.getMessage());
    e =
        assertThrows(
            ConfigError.class,
            () ->
                SweepSpec.parse(
                    BASE
                        + "sweep { random { trials = 2, params { \"optimizer.momentum\" { dist = normal, min = 0, max = 1 } } } }",
                    "s.conf"));
    assertTrue(e.getMessage().contains("unknown dist 'normal'"), e.getMessage());
    e =
        assertThrows(
            ConfigError.class,
            () ->
                SweepSpec.parse(
                    BASE
                        + "sweep { random { trials = 2, params { \"optimizer.momentum\" { dist = uniform, min = 0, max = 1 } }, "
                        + "refine { top = 1, shrunk = 0.5 } } }",
                    "s.conf"));
    assertTrue(e.getMessage().contains("'sweep.random.refine.shrunk'"), e.getMessage());
  }

  @Test
  void randomSearchDrawsInRangeAndCrossesTheGrid() {
    SweepSpec spec =
        SweepSpec.parse(
            BASE
                + """
        sweep {
          axes { "training.batch_size" = [128, 512] }
          random {
            trials = 20, seed = 5
            params {
              "learning_rate.initial" { dist = log_uniform, min = 1e-4, max = 1e-1 }
              "optimizer.momentum" = { dist = uniform, min = 0.8, max = 0.99 }
              "optimizer.name" { dist = choice, values = [momentum, nesterov] }
            }
          }
        }
        """,
            "test");
    List<Trial> trials = SweepPlan.firstStage(spec);
    assertEquals(40, trials.size());
    int low = 0;
    for (int i = 0; i < trials.size(); i += 2) {
      Trial a = trials.get(i);
      Trial b = trials.get(i + 1);
      assertEquals("128", a.overrides().get("training.batch_size"));
      assertEquals("512", b.overrides().get("training.batch_size"));
      // one draw serves both grid points
      assertEquals(
          a.overrides().get("learning_rate.initial"), b.overrides().get("learning_rate.initial"));
      double lr = Double.parseDouble(a.overrides().get("learning_rate.initial"));
      double m = Double.parseDouble(a.overrides().get("optimizer.momentum"));
      assertTrue(lr >= 1e-4 && lr <= 1e-1, "lr " + lr);
      assertTrue(m >= 0.8 && m <= 0.99, "momentum " + m);
      assertTrue(
          List.of("\"momentum\"", "\"nesterov\"").contains(a.overrides().get("optimizer.name")));
      if (lr < 3.16e-3) {
        low++;
      }
    }
    // log-uniform: about half of the draws below the geometric middle of [1e-4, 1e-1]
    assertTrue(low >= 5 && low <= 15, "draws below sqrt(1e-4*1e-1): " + low);
    assertEquals(trials, SweepPlan.firstStage(spec));
  }

  @Test
  void refineCentresShrunkRangesOnTheBestTrials() {
    SweepSpec spec =
        SweepSpec.parse(
            BASE
                + """
        sweep.random {
          trials = 10, seed = 3
          params {
            "learning_rate.initial" { dist = log_uniform, min = 1e-4, max = 1e-1 }
            "optimizer.momentum" { dist = uniform, min = 0.8, max = 0.99 }
          }
          refine { top = 2, trials = 6, shrink = 0.25 }
        }
        """,
            "test");
    SweepSpec.Param lr = spec.random().params().get(0);
    assertEquals("learning_rate.initial", lr.key());
    double[] r = SweepPlan.shrunkRange(lr, 1e-2, 0.25);
    double half = Math.log(1e3) * 0.25 / 2;
    assertEquals(1e-2 * Math.exp(-half), r[0], 1e-12);
    assertEquals(1e-2 * Math.exp(half), r[1], 1e-12);
    double[] clipped = SweepPlan.shrunkRange(lr, 1e-1, 0.25);
    assertEquals(1e-1, clipped[1], 1e-15);
    assertEquals(1e-1 * Math.exp(-half), clipped[0], 1e-12);
    SweepSpec.Param m = spec.random().params().get(1);
    double[] mr = SweepPlan.shrunkRange(m, 0.9, 0.25);
    assertEquals(0.9 - 0.19 * 0.125, mr[0], 1e-12);
    assertEquals(0.9 + 0.19 * 0.125, mr[1], 1e-12);

    List<Trial> first = SweepPlan.firstStage(spec);
    List<SweepPlan.Scored> scored = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      // trial 7 scores best, then trial 2; trial 4 failed (NaN) and is never a centre
      double s = i == 7 ? 0.9 : i == 2 ? 0.8 : i == 4 ? Double.NaN : 0.1 * i / 10;
      scored.add(new SweepPlan.Scored(first.get(i), s));
    }
    List<Trial> refined = SweepPlan.refine(spec, scored);
    assertEquals(6, refined.size());
    for (int i = 0; i < refined.size(); i++) {
      Trial centre = first.get(i % 2 == 0 ? 7 : 2);
      Trial t = refined.get(i);
      assertEquals("refine", t.stage());
      double c = Double.parseDouble(centre.overrides().get("learning_rate.initial"));
      double v = Double.parseDouble(t.overrides().get("learning_rate.initial"));
      double[] range = SweepPlan.shrunkRange(lr, c, 0.25);
      assertTrue(
          v >= range[0] * 0.9999 && v <= range[1] * 1.0001,
          v + " not in " + range[0] + ".." + range[1]);
      double cm = Double.parseDouble(centre.overrides().get("optimizer.momentum"));
      double vm = Double.parseDouble(t.overrides().get("optimizer.momentum"));
      assertTrue(Math.abs(vm - cm) <= 0.19 * 0.125 + 1e-3, vm + " vs centre " + cm);
      assertNotEquals(centre.id(), t.id());
    }
  }

  @Test
  void warmupEpochsBecomeIterationsFromTheReferenceRate() {
    SweepSpec spec =
        SweepSpec.parse(
            """
        learning_rate.initial = 0.1
        training { reference_batch = 256, epochs = 5 }
        sweep {
          axes { training.batch_size = [256, 1024] }
          variants {
            linear { training.rate_scaling = linear, learning_rate.warmup_epochs = 2 }
            none { training.rate_scaling = none, learning_rate.warmup_epochs = 0.5 }
          }
        }
        """,
            "test");
    List<Trial> t = SweepPlan.firstStage(spec);
    long perEpoch = 58;
    // linear at the reference batch: the scaled rate equals the reference rate, nothing to warm up
    assertEquals(
        List.of("checkpoint.every=58", "learning_rate.warmup_iterations=0"),
        SweepRunner.derived(t.get(0), draft(spec, t.get(0)), perEpoch, 1));
    // linear at 4x the reference: warm up over 2 epochs from 0.1 (= 0.025 x 4) to 0.4
    assertEquals(
        List.of(
            "checkpoint.every=116",
            "learning_rate.warmup_start=0.025",
            "learning_rate.warmup_iterations=116"),
        SweepRunner.derived(t.get(1), draft(spec, t.get(1)), perEpoch, 2));
    // no scaling: from learning_rate.warmup_start (0) over half an epoch
    assertEquals(
        List.of("learning_rate.warmup_iterations=29"),
        SweepRunner.derived(t.get(3), draft(spec, t.get(3)), perEpoch, 0));
  }

  @Test
  void evaluationEpochsBecomeIterationsPerBatch() {
    SweepSpec spec =
        SweepSpec.parse(
            "sweep { axes { training.batch_size = [128, 8192], evaluation.every_epochs = [0.1] } }",
            "test");
    List<Trial> t = SweepPlan.firstStage(spec);
    // 60000 rows: 468 and 7 iterations per epoch
    assertEquals(
        List.of("evaluation.every=47"),
        SweepRunner.derived(t.get(0), draft(spec, t.get(0)), 468, 0));
    assertEquals(
        List.of("evaluation.every=1"), SweepRunner.derived(t.get(1), draft(spec, t.get(1)), 7, 0));
  }

  private static PolyakConfig draft(SweepSpec spec, Trial t) {
    return ConfigLoader.parse(spec.baseConfig(), t.configOverrides(), "test");
  }
}
