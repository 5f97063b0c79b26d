package polyak.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.nn.Precision;
import polyak.spark.cli.Sessions;
import polyak.spark.metrics.Json;

/** {@code polyak bench --quick} end to end: the report's sections and sane (not fast) numbers. */
@Tag("slow")
class PolyakBenchTest {
  static final Path DATA =
      Path.of(
          System.getenv()
              .getOrDefault("POLYAK_FASHION_MNIST", "/usr/share/datasets/fashion-mnist"));

  @TempDir Path dir;

  @Test
  void quickBenchWritesEverySectionWithSaneNumbers() throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(DATA.resolve("train-images-idx3-ubyte.gz")), "needs Fashion-MNIST");
    Path md = dir.resolve("BENCHMARKS.md");
    Files.writeString(md, "# Benchmarks\n\n## someone else's section\n\nkeep me\n");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    BenchReport r;
    try (SparkSession spark = Sessions.create("polyak bench test", "local[2]")) {
      r =
          PolyakBench.run(
              spark,
              PolyakBench.Options.quickRun(),
              md,
              dir.resolve("raw"),
              new PrintStream(console, true, StandardCharsets.UTF_8));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.println(console.toString(StandardCharsets.UTF_8));
    assertTrue(seconds < 180, "quick mode took " + seconds + " s");

    String text = Files.readString(md);
    assertTrue(text.contains("keep me"), "other sections must survive");
    for (String section :
        List.of(
            "### Targets",
            "### Spark MLlib",
            "### polyak runs",
            "### Compute limit",
            "### Per-phase split",
            "### Sweeps",
            "### Fitted model",
            "Time to accuracy")) {
      assertTrue(text.contains(section), "missing section " + section);
    }
    for (String f :
        List.of(
            "bench-quick.json",
            "bench-quick-curves.csv",
            "bench-quick-sweep.csv",
            "bench-quick-kernels.csv",
            "bench-quick-projection.csv",
            "bench-quick-iterations.csv")) {
      assertTrue(Files.size(dir.resolve("raw").resolve(f)) > 0, f);
    }

    assertFalse(r.mllib().isEmpty(), "no MLlib fit");
    for (MllibBaseline.Fit f : r.mllib()) {
      assertTrue(
          f.testAccuracy() > 0 && f.testAccuracy() <= 1, "MLlib accuracy " + f.testAccuracy());
      assertTrue(
          f.seconds() > 0 && f.evaluations() > 0 && f.examplesPerTaskSecond() > 0, f.toString());
    }
    for (PolyakRuns.Curve c : r.curves()) {
      assertFalse(c.points().isEmpty(), c.name());
      assertTrue(
          c.finalAccuracy() > 0 && c.finalAccuracy() <= 1,
          c.name() + " accuracy " + c.finalAccuracy());
      assertTrue(c.examplesPerSecond() > 0 && c.examplesPerTaskSecond() > 0, c.name());
    }
    assertTrue(r.bestGemmGflops() > 0);
    assertTrue(
        r.trainingEfficiency() > 0 && r.trainingEfficiency() < 1.5,
        "efficiency " + r.trainingEfficiency());
    assertTrue(r.computeRatio() > 0);
    assertTrue(r.sparkOverhead() > 0 && r.sparkOverhead() < 1, "overhead " + r.sparkOverhead());
    for (BenchReport.Target t : r.targets()) {
      if (t.name().contains("long-lived tasks vs per-iteration jobs")) {
        // same bits as polyak-best: the same final accuracy
        assertEquals(0, t.measured(), 0, t.toString());
      } else if (t.name().contains("float32 vs float64")) {
        // a difference of accuracies, in points: may be 0
        assertTrue(t.measured() >= 0 && t.measured() <= 100, t.toString());
      } else {
        assertTrue(t.measured() > 0 || Double.isNaN(t.measured()), t.toString());
      }
    }
    // both precisions of every kernel; float32 rows cached in about half the memory
    for (KernelBenchmark.Row k : r.kernels()) {
      assertTrue(k.gemmGflops() > 0 && k.examplesPerSecond() > 0, k.toString());
    }
    assertEquals(
        r.kernels().stream().filter(k -> k.precision() == Precision.FLOAT32).count(),
        r.kernels().stream().filter(k -> k.precision() == Precision.FLOAT64).count());
    assertTrue(
        r.setup().cacheRatio() > 0.4 && r.setup().cacheRatio() < 0.6,
        "float32 / float64 cache " + r.setup().cacheRatio());
    assertEquals(Precision.FLOAT32, r.curve("polyak-best").precision());
    assertEquals(Precision.FLOAT64, r.curve(PolyakBench.BEST_FLOAT64).precision());
    // long-lived tasks: the same bits as polyak-best, every evaluation
    PolyakRuns.Curve longLived = r.curve(PolyakBench.BEST_LONG_LIVED);
    assertEquals(Precision.FLOAT32, longLived.precision());
    assertEquals(r.curve("polyak-best").points().size(), longLived.points().size());
    for (int i = 0; i < longLived.points().size(); i++) {
      assertEquals(
          r.curve("polyak-best").points().get(i).loss(), longLived.points().get(i).loss(), 0);
    }
    assertTrue(text.contains("| " + PolyakBench.BEST_LONG_LIVED + " |"), "long-lived run row");
    assertTrue(r.float32Speedup() > 0, "float32 speed-up " + r.float32Speedup());
    for (BenchReport.Reach reach : r.reaches()) {
      if (Double.isFinite(reach.speedup())) {
        assertTrue(reach.speedup() > 0, reach.toString());
      }
    }
    assertTrue(
        Double.isFinite(r.fit().c())
            && Double.isFinite(r.fit().alpha())
            && Double.isFinite(r.fit().beta()));
    assertEquals(2 + 2 + 2, r.sweep().size());

    // the raw figures are JSON written by the shared codec: a note's quotes survive as quotes
    r = r.withNote("a note with \"quotes\" and a \\ backslash");
    JsonNode json = Json.MAPPER.readTree(r.json());
    assertEquals("quick", json.get("mode").asText());
    assertEquals(r.curves().size(), json.get("polyak").size());
    assertEquals(
        "a note with \"quotes\" and a \\ backslash",
        json.get("notes").get(r.notes().size() - 1).asText());
    assertEquals(
        "quick",
        Json.MAPPER
            .readTree(dir.resolve("raw").resolve("bench-quick.json").toFile())
            .get("mode")
            .asText());
  }

  @Test
  void widthForHitsTheParameterCounts() {
    for (long p : new long[] {100_000, 1_000_000, 5_000_000}) {
      int h = PolyakBench.widthFor(p);
      long actual = 784L * h + h + (long) h * (h / 2) + h / 2 + (h / 2) * 10L + 10;
      assertTrue(Math.abs(actual - p) < 0.01 * p, p + " → h " + h + " → " + actual);
    }
    assertEquals(256, PolyakBench.widthFor(235_146));
  }

  @Test
  void leastSquaresRecoversAnExactModel() {
    double[][] x = new double[8][];
    double[] y = new double[8];
    for (int i = 0; i < 8; i++) {
      double bp = (i + 1) * 1e8;
      double p = (i % 3 + 1) * 2e5;
      x[i] = new double[] {bp, 1, p};
      y[i] = 3e-7 * bp + 12 + 4e-5 * p;
    }
    double[] g = LeastSquares.solve(x, y);
    assertEquals(3e-7, g[0], 1e-12);
    assertEquals(12, g[1], 1e-6);
    assertEquals(4e-5, g[2], 1e-10);
    assertEquals(1, LeastSquares.r2(x, y, g), 1e-9);
  }

  @Test
  void sectionSpliceKeepsOtherSections() throws Exception {
    Path md = dir.resolve("B.md");
    Files.writeString(md, "# Benchmarks\n\n## other\n\ntext\n");
    BenchMarkdown.splice(md, "bench", "## mine v1\n");
    BenchMarkdown.splice(md, "bench", "## mine v2\n");
    String t = Files.readString(md);
    assertTrue(t.contains("## other\n\ntext\n"));
    assertTrue(t.contains("## mine v2") && !t.contains("## mine v1"), t);
  }
}
