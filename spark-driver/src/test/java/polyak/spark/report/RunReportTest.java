package polyak.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.spark.cli.PolyakCli;

/**
 * {@code polyak report} on a finished small {@code polyak train} run: the page, every chart, data
 * in each.
 */
@Tag("slow")
class RunReportTest {
  static final String DATA =
      System.getenv().getOrDefault("POLYAK_FASHION_MNIST", "/usr/share/datasets/fashion-mnist");

  @TempDir Path dir;

  @Test
  void reportOfAFinishedRunDrawsEveryChartWithData() throws Exception {
    assumeTrue(
        Files.exists(Path.of(DATA, "train-images-idx3-ubyte.gz")),
        "Fashion-MNIST not installed at " + DATA);
    Path run = dir.resolve("run");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertEquals(
        0,
        PolyakCli.execute(
            console,
            console,
            "train",
            "--master",
            "local[2]",
            "data.train.limit=2000",
            "data.test.limit=500",
            "training.batch_size=200",
            "training.max_iterations=24",
            "evaluation.every=6",
            "checkpoint.every=0",
            "output.dir=" + run),
        out.toString(StandardCharsets.UTF_8));

    out.reset();
    assertEquals(
        0,
        PolyakCli.execute(console, console, "report", run.toString()),
        out.toString(StandardCharsets.UTF_8));
    Path report = run.resolve("report");
    assertTrue(
        out.toString(StandardCharsets.UTF_8).contains("index.html with 6 charts"), out.toString());
    String html = Files.readString(report.resolve("index.html"));
    List<String> names =
        List.of(
            "training_loss",
            "validation_loss",
            "validation_accuracy",
            "learning_rate",
            "examples_per_s",
            "phase_split");
    for (String name : names) {
      assertTrue(html.contains("src=\"" + name + ".png\""), name + " missing from the page");
      BufferedImage png = ImageIO.read(report.resolve(name + ".png").toFile());
      assertEquals(1000, png.getWidth(), name);
    }

    // each chart plots the run's figures: a point per iteration, a point per evaluation, four
    // phases
    List<RunReport.Chart> charts =
        RunReport.write(run.toString(), dir.resolve("again").toString(), new Configuration());
    assertEquals(names, charts.stream().map(c -> c.file().replace(".png", "")).toList());
    assertEquals(
        List.of(24, 4, 4, 24, 24, 4 * 24), charts.stream().map(RunReport.Chart::points).toList());
  }

  @Test
  void aDirectoryWithoutMetricsIsBadInput() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(2, PolyakCli.execute(e, e, "report", dir.toString()));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).startsWith("polyak: " + dir + ": no metrics.jsonl"),
        err.toString(StandardCharsets.UTF_8));
  }
}
