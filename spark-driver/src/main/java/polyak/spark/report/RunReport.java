package polyak.spark.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.apache.hadoop.conf.Configuration;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import polyak.spark.io.AtomicWrite;
import polyak.spark.metrics.EvalLine;
import polyak.spark.metrics.MetricsFile;
import polyak.spark.metrics.StepLine;

/**
 * {@code polyak report RUN_DIR}: one run's pictures from its metrics.jsonl — training loss,
 * validation loss and accuracy per evaluation, learning rate, examples/s and the per-phase time
 * split, each against the iteration — as PNGs and an {@code index.html} in the output directory.
 */
public final class RunReport {
  /** A chart written: its file name, caption and how many points it plots. */
  public record Chart(String file, String caption, int points) {}

  private RunReport() {}

  /**
   * Reads {@code runDir/metrics.jsonl} and writes the charts and {@code index.html} into {@code
   * outDir}.
   *
   * @throws IllegalArgumentException when the run directory holds no metrics
   */
  public static List<Chart> write(String runDir, String outDir, Configuration conf)
      throws IOException {
    MetricsFile m = MetricsFile.read(runDir, conf);
    if (m.steps().isEmpty()) {
      throw new IllegalArgumentException(
          runDir + ": no " + MetricsFile.NAME + " with training steps");
    }
    List<StepLine> steps = m.steps();
    List<EvalLine> evals = m.evals();
    List<Chart> charts = new ArrayList<>();
    add(
        charts,
        outDir,
        conf,
        "training_loss",
        "Training loss (mean over each iteration's minibatch).",
        line("Training loss", "Loss", series("training loss", steps, StepLine::loss)));
    if (!evals.isEmpty()) {
      add(
          charts,
          outDir,
          conf,
          "validation_loss",
          "Validation loss after each evaluation.",
          points("Validation loss", "Loss", evalSeries("validation loss", evals, EvalLine::loss)));
      add(
          charts,
          outDir,
          conf,
          "validation_accuracy",
          "Validation accuracy after each evaluation.",
          points(
              "Validation accuracy",
              "Accuracy (%)",
              evalSeries("validation accuracy", evals, e -> 100 * e.accuracy())));
    }
    JFreeChart rate =
        line(
            "Learning rate",
            "Learning rate",
            series("learning rate", steps, StepLine::learningRate));
    fromZero(rate);
    add(charts, outDir, conf, "learning_rate", "Learning rate applied at every iteration.", rate);
    JFreeChart speed =
        line(
            "Training throughput",
            "Examples per second",
            series("examples/s", steps, StepLine::examplesPerSecond));
    fromZero(speed);
    add(
        charts,
        outDir,
        conf,
        "examples_per_s",
        "Training examples per second of each iteration.",
        speed);
    JFreeChart phases = phases(steps);
    add(
        charts,
        outDir,
        conf,
        "phase_split",
        "Where each iteration's time went: broadcast of the parameters, "
            + "executor compute (slowest task), aggregation and scheduling of the partial gradients, the driver's "
            + "optimizer step.",
        phases);
    AtomicWrite.write(
        outDir + "/index.html",
        conf,
        out -> out.write(html(runDir, steps, evals, charts).getBytes(StandardCharsets.UTF_8)));
    return charts;
  }

  private static void add(
      List<Chart> charts,
      String dir,
      Configuration conf,
      String name,
      String caption,
      JFreeChart chart)
      throws IOException {
    int points = 0;
    for (int i = 0; i < chart.getXYPlot().getDataset().getSeriesCount(); i++) {
      points += chart.getXYPlot().getDataset().getItemCount(i);
    }
    charts.add(new Chart(Charts.png(dir, name, chart, conf), caption, points));
  }

  private static XYSeries series(String name, List<StepLine> steps, ToDoubleFunction<StepLine> y) {
    return series(name, steps, StepLine::step, y);
  }

  private static XYSeries evalSeries(
      String name, List<EvalLine> evals, ToDoubleFunction<EvalLine> y) {
    return series(name, evals, EvalLine::step, y);
  }

  /** The finite values of {@code y} against the iteration. */
  private static <T> XYSeries series(
      String name, List<T> lines, ToLongFunction<T> step, ToDoubleFunction<T> y) {
    XYSeries s = new XYSeries(name);
    for (T line : lines) {
      double v = y.applyAsDouble(line);
      if (Double.isFinite(v)) {
        s.add(step.applyAsLong(line), v);
      }
    }
    return s;
  }

  private static JFreeChart line(String title, String yLabel, XYSeries s) {
    return chart(title, yLabel, s, false);
  }

  private static JFreeChart points(String title, String yLabel, XYSeries s) {
    return chart(title, yLabel, s, true);
  }

  private static JFreeChart chart(String title, String yLabel, XYSeries s, boolean shapes) {
    JFreeChart c =
        ChartFactory.createXYLineChart(
            title,
            "Iteration",
            yLabel,
            new XYSeriesCollection(s),
            PlotOrientation.VERTICAL,
            false,
            false,
            false);
    ((NumberAxis) c.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
    ((NumberAxis) c.getXYPlot().getDomainAxis())
        .setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    Charts.style(c, shapes);
    return c;
  }

  /**
   * A y axis from 0 to a tenth above the largest value: a constant rate reads as constant, not as
   * noise.
   */
  private static void fromZero(JFreeChart c) {
    NumberAxis y = (NumberAxis) c.getXYPlot().getRangeAxis();
    double hi =
        c.getXYPlot().getDataset().getItemCount(0) == 0
            ? 1
            : ((XYSeriesCollection) c.getXYPlot().getDataset()).getSeries(0).getMaxY();
    y.setRange(0, hi > 0 ? hi * 1.1 : 1);
  }

  /** The four phases stacked, so the top edge is the iteration's measured wall time. */
  private static JFreeChart phases(List<StepLine> steps) {
    DefaultTableXYDataset data = new DefaultTableXYDataset();
    data.addSeries(phase("broadcast", steps, StepLine::broadcastMs));
    data.addSeries(phase("executor compute", steps, StepLine::computeMs));
    data.addSeries(phase("aggregation + scheduling", steps, StepLine::aggregateMs));
    data.addSeries(phase("driver step", steps, StepLine::driverStepMs));
    JFreeChart c =
        ChartFactory.createStackedXYAreaChart(
            "Per-phase time of each iteration",
            "Iteration",
            "Milliseconds",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    ((NumberAxis) c.getXYPlot().getDomainAxis())
        .setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    Charts.styleKeepingRenderer(c);
    return c;
  }

  private static XYSeries phase(String name, List<StepLine> steps, ToDoubleFunction<StepLine> ms) {
    XYSeries s = new XYSeries(name, false, false);
    for (StepLine st : steps) {
      double v = ms.applyAsDouble(st);
      s.add(st.step(), Double.isFinite(v) ? v : 0.0);
    }
    return s;
  }

  private static String html(
      String runDir, List<StepLine> steps, List<EvalLine> evals, List<Chart> charts) {
    StringBuilder h = new StringBuilder(Charts.pageHead("polyak run report"));
    StepLine last = steps.get(steps.size() - 1);
    h.append("<p>Run <code>")
        .append(Charts.esc(runDir))
        .append("</code>")
        .append(
            last.runId() == null ? "" : ", run id <code>" + Charts.esc(last.runId()) + "</code>")
        .append(
            String.format(Locale.ROOT, ": %d iterations, %.2f epochs", last.step(), last.epoch()));
    if (!evals.isEmpty()) {
      EvalLine e = evals.get(evals.size() - 1);
      double best = evals.stream().mapToDouble(EvalLine::accuracy).max().orElse(Double.NaN);
      h.append(
          String.format(
              Locale.ROOT,
              "; last validation accuracy %.2f %% (best %.2f %%), loss %.4f",
              100 * e.accuracy(),
              100 * best,
              e.loss()));
    }
    h.append(".</p>\n");
    for (Chart c : charts) {
      h.append(Charts.figure(c.file(), c.caption()));
    }
    h.append(
        "<p>Every figure comes from <code>metrics.jsonl</code> in the run directory.</p>\n</body></html>\n");
    return h.toString();
  }
}
