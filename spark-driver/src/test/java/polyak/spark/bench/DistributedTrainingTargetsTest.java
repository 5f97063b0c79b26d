package polyak.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import polyak.nn.Precision;
import polyak.spark.bench.DistributedTrainingBenchmark.Floor;
import polyak.spark.bench.DistributedTrainingBenchmark.ModeRun;
import polyak.spark.bench.DistributedTrainingBenchmark.PrecisionRuns;
import polyak.spark.bench.DistributedTrainingBenchmark.Result;
import polyak.spark.bench.DistributedTrainingBenchmark.Target;

/** The derived figures and targets of {@code polyak bench distributed}, from given measurements. */
class DistributedTrainingTargetsTest {
  private static final long P = 235_146;

  private static ModeRun run(int batch, double accuracy, double wallMs, double computeMs) {
    // wait = wall − step: the synchronous iteration is wait + step
    return new ModeRun("m", batch, 100, accuracy, wallMs, wallMs - 1, 1.5, computeMs, 6, 1);
  }

  private static Result result() {
    PrecisionRuns f32 =
        new PrecisionRuns(
            Precision.FLOAT32,
            180L << 20,
            run(1024, 0.880, 20, 8),
            run(1024, 0.880, 12, 8),
            run(1024, 0.879, 10, 16),
            run(4096, 0.5, 50, 40),
            51_200,
            100);
    PrecisionRuns f64 =
        new PrecisionRuns(
            Precision.FLOAT64,
            359L << 20,
            run(1024, 0.884, 32, 16),
            run(1024, 0.883, 20, 16),
            run(1024, 0.870, 16, 30),
            run(4096, 0.5, 100, 80),
            25_600,
            50);
    return new Result(
        Environment.probe(),
        "local[2]",
        2,
        10,
        1024,
        1,
        2,
        "blas:test",
        P,
        1.0,
        1.0,
        new Floor(10, 5, 20, 100),
        List.of(f32, f64));
  }

  private static Target target(Result r, String prefix) {
    return r.targets().stream().filter(t -> t.name().startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void targetsAreComputedPerPrecisionFromTheRuns() {
    Result r = result();
    // beyond the floor: wait + step − compute − floor = (20 − 1) + 1 − 8 − 10
    Target floor = target(r, "polyak beyond the empty-job floor");
    assertEquals(2, floor.float32(), 1e-9);
    assertEquals(32 - 16 - 10, floor.float64(), 1e-9);
    assertEquals("yes", floor.met(floor.float32()));
    assertEquals("**no**", floor.met(floor.float64()));
    // delayed overhead: (delayed wall − synchronous compute) / delayed wall
    assertEquals(20, target(r, "Spark overhead, delayed").float32(), 1e-9);
    assertEquals(0, target(r, "Spark overhead, delayed").float64(), 1e-9);
    // Spark / LocalTrainer: batch / wall against the local examples/s
    assertEquals(1.0, target(r, "Spark / one LocalTrainer thread, ex/s, sync").float32(), 1e-9);
    assertEquals(2.0, target(r, "Spark / one LocalTrainer thread, ex/s, delayed").float32(), 1e-9);
    assertEquals(2.5, target(r, "Spark / one LocalTrainer thread, ex/s, delayed").float64(), 1e-9);
    // long-lived tasks: their own row, the synchronous rows untouched
    Target longLived = target(r, "Spark / one LocalTrainer thread, ex/s, long-lived");
    assertEquals(1024 / 0.012 / 51_200, longLived.float32(), 1e-9);
    assertEquals(2.0, longLived.float64(), 1e-9);
    assertEquals(1.3, longLived.bound(), 0);
    assertEquals("yes", longLived.met(longLived.float32()));
    double longLived32 = 100 * 6.0 * P * (1024 / 0.012) / (100e9 * 2);
    assertEquals(
        longLived32, target(r, "training efficiency, long-lived synchronous").float32(), 1e-9);
    Target sameBits = target(r, "test accuracy, long-lived − synchronous");
    assertEquals(0, sameBits.float32(), 0);
    assertEquals("yes", sameBits.met(sameBits.float32()));
    assertEquals(0.1, sameBits.float64(), 1e-9);
    assertEquals("**no**", sameBits.met(sameBits.float64()));
    // efficiency against the same precision's GEMM limit × cores
    double delayed32 = 100 * 6.0 * P * (1024 / 0.010) / (100e9 * 2);
    assertEquals(delayed32, target(r, "training efficiency, delayed").float32(), 1e-9);
    double large64 = 100 * 6.0 * P * (4096 / 0.100) / (50e9 * 2);
    assertEquals(large64, target(r, "training efficiency, synchronous").float64(), 1e-9);
    // accuracy: synchronous − delayed per precision; float32 against float64 once
    assertEquals(0.1, target(r, "test accuracy, synchronous − delayed").float32(), 1e-9);
    Target precisionGap = target(r, "test accuracy gap, float32 vs float64");
    assertEquals(0.4, precisionGap.float32(), 1e-9);
    assertEquals("**no**", precisionGap.met(precisionGap.float32()));
    Target cache = target(r, "cached training blocks");
    assertEquals(180.0 / 359.0, cache.float32(), 1e-12);
    assertEquals("yes", cache.met(cache.float32()));
  }

  @Test
  void markdownShowsBothPrecisionsTheLayoutAndTheTargetsTable() {
    String md = result().markdown();
    assertTrue(md.contains("layout: 1 task × 2 threads per task"), md);
    assertTrue(
        md.contains(
            "| float32 synchronous | float32 synchronous, long-lived tasks | float32 delayed"),
        md);
    assertTrue(
        md.contains(
            "| float64 synchronous | float64 synchronous, long-lived tasks | float64 delayed"),
        md);
    // iteration row: synchronous, long-lived, delayed per precision
    assertTrue(
        md.contains("| iteration (wall, end to end; mean) | 20.0 ms | 12.0 ms | 10.0 ms |"), md);
    assertTrue(md.contains("| target (issue 12) | measured float32 | measured float64 |"), md);
    assertTrue(md.contains("| ≤ 0.30 points | **no** |"), md);
    assertTrue(md.contains("median 10.0 ms (p10 5.0, p90 20.0)"), md);
    // every row of a table has its header's cells (a '|' inside a name would add one)
    String[] lines = md.split("\n");
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].startsWith("|") && lines[i - 1].startsWith("|")) {
        int header = i;
        while (header > 0 && lines[header - 1].startsWith("|")) {
          header--;
        }
        assertEquals(
            lines[header].chars().filter(c -> c == '|').count(),
            lines[i].chars().filter(c -> c == '|').count(),
            lines[i]);
      }
    }
  }
}
