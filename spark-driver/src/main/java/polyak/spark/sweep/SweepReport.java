package polyak.spark.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import polyak.spark.io.AtomicWrite;
import polyak.spark.metrics.EvalLine;
import polyak.spark.metrics.StepLine;
import polyak.spark.report.Charts;

/**
 * The sweep's report: {@code <output>/report/index.html} with PNG charts drawn by JFreeChart —
 * validation accuracy per epoch for each batch size, final accuracy against batch size per rule
 * (log2 axis), time per epoch and examples/s against batch size, and the learning-rate schedule
 * each trial actually applied (from metrics.jsonl) — plus a results table and a text summary: per
 * rule, the largest batch whose final validation accuracy is within 1 point of the smallest
 * batch's.
 *
 * <p>A rule is a trial's variant, or (without variants) its overrides other than batch size and
 * seed. Trials that differ only in seed are averaged.
 */
public final class SweepReport {
  private final String output;
  private final Configuration conf;
  private final String description;
  private final List<TrialResult> rows;
  private final Map<String, Map<Integer, List<TrialResult>>> byRule = new TreeMap<>();
  private final Map<String, TrialMetrics> metrics = new LinkedHashMap<>();

  private SweepReport(String output, Configuration conf, String description, List<TrialResult> rows)
      throws IOException {
    this.output = output;
    this.conf = conf;
    this.description = description == null ? "" : description;
    this.rows = rows;
    for (TrialResult r : rows) {
      byRule
          .computeIfAbsent(rule(r), k -> new TreeMap<>())
          .computeIfAbsent(r.batchSize(), k -> new ArrayList<>())
          .add(r);
      String dir = output + "/trials/" + (r.sameAs() != null ? r.sameAs() : r.id());
      metrics.put(r.id(), TrialMetrics.read(dir, conf));
    }
  }

  /**
   * Writes the report for the results in {@code output}; returns the summary lines (also in the
   * HTML).
   */
  public static List<String> write(String output, Configuration conf, String description)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    SweepReport r =
        new SweepReport(output, conf, description, SweepRunner.readResults(output, conf));
    return r.write();
  }

  static String rule(TrialResult r) {
    if (r.variant() != null) {
      return r.variant();
    }
    List<String> parts = new ArrayList<>();
    r.overrides()
        .forEach(
            (k, v) -> {
              if (!k.equals("training.batch_size") && !k.equals("training.seed")) {
                parts.add(k.substring(k.lastIndexOf('.') + 1) + "=" + v.replace("\"", ""));
              }
            });
    return parts.isEmpty() ? "all trials" : String.join(", ", parts);
  }

  private List<String> write() throws IOException {
    String dir = output + "/report";
    List<String[]> images = new ArrayList<>();
    List<Integer> batches =
        new ArrayList<>(
            new java.util.TreeSet<>(
                rows.stream().map(TrialResult::batchSize).filter(b -> b > 0).toList()));
    Map<String, List<StepsToTarget.Point>> target = StepsToTarget.perBatch(rows);
    if (!target.isEmpty()) {
      images.add(
          new String[] {
            png(dir, "steps_to_target_vs_batch", toTarget(target, false)),
            "Steps to the target validation accuracy against batch size (log-log): per batch the"
                + " best of its tuned trials (fewest steps). Dashed: perfect scaling (steps halve as"
                + " the batch doubles) from the smallest batch. Dotted: McCandlish et al.'s"
                + " S = S_min (1 + B_noise/B), anchored at the smallest batch, with B_noise the"
                + " measured gradient noise scale B_simple (vertical line; median of the best"
                + " trials' estimate at their target step)."
          });
      images.add(
          new String[] {
            png(dir, "examples_to_target_vs_batch", toTarget(target, true)),
            "Training examples seen until the target, per batch's best trial (log-log). Dashed:"
                + " perfect scaling (the same examples at every batch size)."
          });
      JFreeChart noise = noiseOverTraining(target);
      if (noise != null) {
        images.add(
            new String[] {
              png(dir, "noise_scale_vs_epoch", noise),
              "The smoothed gradient noise scale B_simple logged during each batch's best trial."
            });
      }
    }
    boolean batchAxis = batches.size() > 1 && target.isEmpty();
    for (int b : batches) {
      images.add(
          new String[] {
            png(dir, "accuracy_vs_epoch_b" + b, accuracyVsEpoch(b)),
            "Validation accuracy after each epoch at batch " + b + ", one line per rule."
          });
    }
    if (batchAxis) {
      images.add(
          new String[] {
            png(
                dir,
                "final_accuracy_vs_batch",
                perBatch(
                    "Final validation accuracy vs batch size",
                    "Validation accuracy after the last epoch (%)",
                    r -> 100 * r.finalAccuracy(),
                    true)),
            "Final validation accuracy per rule (mean over seeds); failed trials are left out."
          });
      images.add(
          new String[] {
            png(
                dir,
                "time_per_epoch_vs_batch",
                perBatch(
                    "Training time per epoch vs batch size",
                    "Seconds per epoch (training iterations only, s)",
                    r -> r.epochs() > 0 ? r.trainSeconds() / r.epochs() : Double.NaN,
                    false)),
            "Wall time of the training iterations per epoch (validation excluded)."
          });
      images.add(
          new String[] {
            png(
                dir,
                "examples_per_s_vs_batch",
                perBatch(
                    "Training throughput vs batch size",
                    "Training examples per second (examples/s)",
                    TrialResult::examplesPerSecond,
                    false)),
            "Examples processed per second of training iterations."
          });
    }
    for (String rule : target.isEmpty() ? byRule.keySet() : java.util.Set.<String>of()) {
      JFreeChart c = learningRates(rule);
      if (c != null) {
        images.add(
            new String[] {
              png(dir, "learning_rate_" + rule.replaceAll("[^A-Za-z0-9_-]", "_"), c),
              "Learning rate applied at every iteration (from metrics.jsonl), rule " + rule + "."
            });
      }
    }
    List<String> summary = target.isEmpty() ? summary() : targetSummary(target);
    AtomicWrite.write(
        dir + "/index.html",
        conf,
        out -> out.write(html(images, summary).getBytes(StandardCharsets.UTF_8)));
    return summary;
  }

  /** Per rule: the smallest batch's final accuracy and the largest batch within 1 point of it. */
  List<String> summary() {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Map<Integer, List<TrialResult>>> e : byRule.entrySet()) {
      Map<Integer, List<TrialResult>> m = e.getValue();
      Integer smallest = null;
      for (Map.Entry<Integer, List<TrialResult>> b : m.entrySet()) {
        if (Double.isFinite(meanAcc(b.getValue()))) {
          smallest = b.getKey();
          break;
        }
      }
      if (smallest == null) {
        lines.add(e.getKey() + ": no finished trial");
        continue;
      }
      double base = meanAcc(m.get(smallest));
      int largest = smallest;
      StringBuilder others = new StringBuilder();
      for (Map.Entry<Integer, List<TrialResult>> b : m.entrySet()) {
        if (b.getKey() <= smallest) {
          continue;
        }
        double a = meanAcc(b.getValue());
        if (Double.isFinite(a) && a >= base - 0.01) {
          largest = b.getKey();
        }
        others.append(
            String.format(
                Locale.ROOT,
                "; %d: %s",
                b.getKey(),
                Double.isFinite(a)
                    ? String.format(Locale.ROOT, "%.2f%% (%+.2f)", 100 * a, 100 * (a - base))
                    : statusOf(b.getValue())));
      }
      lines.add(
          String.format(
              Locale.ROOT,
              "%s: batch %d reaches %.2f%%; largest batch within 1 point: %d%s",
              e.getKey(),
              smallest,
              100 * base,
              largest,
              others));
    }
    return lines;
  }

  private static String statusOf(List<TrialResult> rs) {
    return rs.stream()
        .map(r -> r.status().toString())
        .distinct()
        .reduce((a, b) -> a + "/" + b)
        .orElse("-");
  }

  /**
   * Mean final accuracy over the done trials (seeds); NaN if any trial of the point is not done.
   */
  private static double meanAcc(List<TrialResult> rs) {
    double s = 0;
    for (TrialResult r : rs) {
      if (r.status() != TrialStatus.DONE || !Double.isFinite(r.finalAccuracy())) {
        return Double.NaN;
      }
      s += r.finalAccuracy();
    }
    return rs.isEmpty() ? Double.NaN : s / rs.size();
  }

  /** Per rule and batch: the best trial's steps and examples to target, and how many reached it. */
  static List<String> targetSummary(Map<String, List<StepsToTarget.Point>> target) {
    List<String> lines = new ArrayList<>();
    target.forEach(
        (rule, points) -> {
          StringBuilder sb = new StringBuilder(rule + ":");
          for (StepsToTarget.Point p : points) {
            TrialResult b = p.best();
            sb.append(
                b == null
                    ? String.format(
                        Locale.ROOT,
                        " batch %d: target not reached by any of %d trials;",
                        p.batchSize(),
                        p.trials())
                    : String.format(
                        Locale.ROOT,
                        " batch %d: %d steps, %d examples (%d of %d trials reached; best %s);",
                        p.batchSize(),
                        b.targetStep(),
                        b.targetExamples(),
                        p.reached(),
                        p.trials(),
                        b.id()));
          }
          double bn = StepsToTarget.noiseScale(points);
          if (Double.isFinite(bn)) {
            sb.append(String.format(Locale.ROOT, " gradient noise scale B_simple ≈ %.0f", bn));
          }
          lines.add(sb.toString());
        });
    return lines;
  }

  private JFreeChart toTarget(Map<String, List<StepsToTarget.Point>> target, boolean examples) {
    XYSeriesCollection data = new XYSeriesCollection();
    List<Integer> dashed = new ArrayList<>();
    List<Integer> dotted = new ArrayList<>();
    List<Double> markers = new ArrayList<>();
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (Map.Entry<String, List<StepsToTarget.Point>> e : target.entrySet()) {
      String rule = target.size() == 1 ? "" : " (" + e.getKey() + ")";
      XYSeries best = new XYSeries("best trial per batch" + rule);
      StepsToTarget.Point first = null;
      for (StepsToTarget.Point p : e.getValue()) {
        lo = Math.min(lo, p.batchSize());
        hi = Math.max(hi, p.batchSize());
        if (p.isReached()) {
          best.add(
              p.batchSize(), examples ? p.best().targetExamples() : (double) p.best().targetStep());
          if (first == null) {
            first = p;
          }
        }
      }
      data.addSeries(best);
      if (first == null) {
        continue;
      }
      double b0 = first.batchSize();
      double y0 = examples ? first.best().targetExamples() : first.best().targetStep();
      XYSeries perfect = new XYSeries("perfect scaling" + rule);
      for (StepsToTarget.Point p : e.getValue()) {
        perfect.add(p.batchSize(), examples ? y0 : y0 * b0 / p.batchSize());
      }
      dashed.add(data.getSeriesCount());
      data.addSeries(perfect);
      double bn = StepsToTarget.noiseScale(e.getValue());
      if (!examples && Double.isFinite(bn) && bn > 0) {
        XYSeries predicted =
            new XYSeries(String.format(Locale.ROOT, "S_min(1 + B_noise/B), B_noise = %.0f", bn));
        // wide enough that the axis shows B_noise too (within 4x of the batches)
        double from = Math.min(lo, Math.max(lo / 4, bn / 1.5));
        double to = Math.max(hi, Math.min(4 * hi, 1.5 * bn));
        for (int i = 0; i <= 40; i++) {
          double b = from * Math.pow(to / from, i / 40.0);
          predicted.add(b, y0 * (1 + bn / b) / (1 + bn / b0));
        }
        dotted.add(data.getSeriesCount());
        data.addSeries(predicted);
        markers.add(bn);
      }
    }
    String what = examples ? "Training examples to target" : "Steps (iterations) to target";
    JFreeChart c =
        ChartFactory.createXYLineChart(
            what + " vs batch size",
            "Batch size (examples, log2 scale)",
            what + " (log2 scale)",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = c.getXYPlot();
    LogAxis x = new LogAxis("Batch size (examples, log2 scale)");
    x.setBase(2);
    x.setTickUnit(new NumberTickUnit(1));
    x.setNumberFormatOverride(new DecimalFormat("0"));
    x.setSmallestValue(1);
    plot.setDomainAxis(x);
    LogAxis y = new LogAxis(what + " (log2 scale)");
    y.setBase(2);
    y.setTickUnit(new NumberTickUnit(1));
    y.setNumberFormatOverride(new DecimalFormat("0"));
    y.setSmallestValue(1);
    plot.setRangeAxis(y);
    Charts.style(c, true);
    List<String> missed = new ArrayList<>();
    target.forEach(
        (rule, points) -> {
          for (StepsToTarget.Point p : points) {
            if (!p.isReached()) {
              missed.add(
                  "batch "
                      + p.batchSize()
                      + (target.size() == 1 ? "" : " (" + rule + ")")
                      + ": none of "
                      + p.trials()
                      + " trials");
            }
          }
        });
    if (!missed.isEmpty()) {
      c.addSubtitle(
          new org.jfree.chart.title.TextTitle(
              "Target not reached: " + String.join("; ", missed),
              new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 15)));
    }
    org.jfree.chart.renderer.xy.XYLineAndShapeRenderer r =
        (org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) plot.getRenderer();
    for (int i : dashed) {
      r.setSeriesShapesVisible(i, false);
      r.setSeriesStroke(
          i,
          new java.awt.BasicStroke(
              2f,
              java.awt.BasicStroke.CAP_BUTT,
              java.awt.BasicStroke.JOIN_MITER,
              10f,
              new float[] {10f, 6f},
              0f));
    }
    for (int i : dotted) {
      r.setSeriesShapesVisible(i, false);
      r.setSeriesStroke(
          i,
          new java.awt.BasicStroke(
              2f,
              java.awt.BasicStroke.CAP_ROUND,
              java.awt.BasicStroke.JOIN_ROUND,
              10f,
              new float[] {2f, 5f},
              0f));
    }
    for (double bn : markers) {
      org.jfree.chart.plot.ValueMarker m = new org.jfree.chart.plot.ValueMarker(bn);
      m.setPaint(java.awt.Color.DARK_GRAY);
      m.setStroke(new java.awt.BasicStroke(1.5f));
      m.setLabel(String.format(Locale.ROOT, " B_simple ≈ %.0f", bn));
      m.setLabelFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 15));
      m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
      m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
      plot.addDomainMarker(m);
    }
    return c;
  }

  private JFreeChart noiseOverTraining(Map<String, List<StepsToTarget.Point>> target) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, List<StepsToTarget.Point>> e : target.entrySet()) {
      for (StepsToTarget.Point p : e.getValue()) {
        if (!p.isReached()) {
          continue;
        }
        XYSeries s =
            new XYSeries(
                "batch " + p.batchSize() + (target.size() == 1 ? "" : " (" + e.getKey() + ")"));
        for (StepLine st : metrics.get(p.best().id()).steps()) {
          if (Double.isFinite(st.noiseScale())) {
            s.add(st.epoch(), st.noiseScale());
          }
        }
        if (s.getItemCount() > 0) {
          data.addSeries(s);
        }
      }
    }
    if (data.getSeriesCount() == 0) {
      return null;
    }
    JFreeChart c =
        ChartFactory.createXYLineChart(
            "Gradient noise scale during training (best trial per batch)",
            "Epoch",
            "B_simple = tr(Σ)/|G|² (examples)",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    Charts.style(c, false);
    return c;
  }

  private JFreeChart accuracyVsEpoch(int batch) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, Map<Integer, List<TrialResult>>> e : byRule.entrySet()) {
      List<TrialResult> rs = e.getValue().get(batch);
      if (rs == null) {
        continue;
      }
      // mean over seeds, epoch by epoch (as far as every seed got)
      Map<Double, double[]> sum = new TreeMap<>();
      for (TrialResult r : rs) {
        for (EvalLine v : metrics.get(r.id()).evals()) {
          double[] a =
              sum.computeIfAbsent(Math.round(v.epoch() * 1000) / 1000.0, k -> new double[2]);
          a[0] += v.accuracy();
          a[1]++;
        }
      }
      XYSeries s = new XYSeries(e.getKey() + failedSuffix(rs));
      sum.forEach(
          (epoch, a) -> {
            if (a[1] == rs.size()) {
              s.add(epoch.doubleValue(), 100 * a[0] / a[1]);
            }
          });
      data.addSeries(s);
    }
    JFreeChart c =
        ChartFactory.createXYLineChart(
            "Validation accuracy per epoch, batch size " + batch,
            "Epoch",
            "Validation accuracy (%)",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    Charts.style(c, true);
    NumberAxis y = (NumberAxis) c.getXYPlot().getRangeAxis();
    y.setAutoRangeIncludesZero(false);
    NumberAxis x = (NumberAxis) c.getXYPlot().getDomainAxis();
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    return c;
  }

  private static String failedSuffix(List<TrialResult> rs) {
    for (TrialResult r : rs) {
      if (r.status() != TrialStatus.DONE) {
        return " (" + r.status() + ")";
      }
    }
    return "";
  }

  private interface Metric {
    double of(TrialResult r);
  }

  private JFreeChart perBatch(String title, String yLabel, Metric metric, boolean doneOnly) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, Map<Integer, List<TrialResult>>> e : byRule.entrySet()) {
      XYSeries s = new XYSeries(e.getKey());
      for (Map.Entry<Integer, List<TrialResult>> b : e.getValue().entrySet()) {
        double sum = 0;
        int n = 0;
        for (TrialResult r : b.getValue()) {
          if (r.sameAs() != null && !doneOnly) {
            continue; // a reused run's timing is already plotted under its original
          }
          double v = metric.of(r);
          if (doneOnly && r.status() != TrialStatus.DONE || !Double.isFinite(v)) {
            continue;
          }
          sum += v;
          n++;
        }
        if (n > 0) {
          s.add(b.getKey().doubleValue(), sum / n);
        }
      }
      if (s.getItemCount() > 0) {
        data.addSeries(s);
      }
    }
    JFreeChart c =
        ChartFactory.createXYLineChart(
            title,
            "Batch size (examples, log2 scale)",
            yLabel,
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = c.getXYPlot();
    LogAxis x = new LogAxis("Batch size (examples, log2 scale)");
    x.setBase(2);
    x.setTickUnit(new NumberTickUnit(1));
    x.setNumberFormatOverride(new DecimalFormat("0"));
    x.setSmallestValue(1);
    plot.setDomainAxis(x);
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setAutoRangeIncludesZero(!doneOnly);
    Charts.style(c, true);
    return c;
  }

  private JFreeChart learningRates(String rule) {
    XYSeriesCollection data = new XYSeriesCollection();
    boolean any = false;
    double hi = 0;
    for (Map.Entry<Integer, List<TrialResult>> b : byRule.get(rule).entrySet()) {
      TrialResult r = b.getValue().get(0);
      XYSeries s = new XYSeries("batch " + b.getKey() + failedSuffix(b.getValue()));
      for (StepLine st : metrics.get(r.id()).steps()) {
        if (st.learningRate() > 0) {
          s.add(st.epoch(), st.learningRate());
          hi = Math.max(hi, st.learningRate());
          any = true;
        }
      }
      data.addSeries(s);
    }
    if (!any) {
      return null;
    }
    JFreeChart c =
        ChartFactory.createXYLineChart(
            "Learning rate applied, rule " + rule,
            "Epoch",
            "Learning rate (per iteration)",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    NumberAxis y = (NumberAxis) c.getXYPlot().getRangeAxis();
    y.setAutoRangeIncludesZero(true);
    y.setUpperBound(hi * 1.1);
    NumberAxis x = (NumberAxis) c.getXYPlot().getDomainAxis();
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setLowerBound(0);
    Charts.style(c, false);
    return c;
  }

  private String png(String dir, String name, JFreeChart chart) throws IOException {
    return Charts.png(dir, name, chart, conf);
  }

  private String html(List<String[]> images, List<String> summary) {
    StringBuilder h = new StringBuilder();
    h.append(Charts.pageHead("polyak sweep report"));
    if (!description.isBlank()) {
      h.append("<p>").append(Charts.esc(description)).append("</p>\n");
    }
    if (rows.stream().anyMatch(r -> Double.isFinite(r.targetAccuracy()))) {
      h.append("<h2>Summary</h2>\n<p>Criterion: steps to the target validation accuracy; a batch")
          .append(" size's point is the best (fewest steps) of the trials tuned for it; trials")
          .append(" that never reached the target are counted.</p>\n<ul>\n");
    } else {
      h.append(
              "<h2>Summary</h2>\n<p>Criterion: final validation accuracy (after the last epoch, mean over seeds) ")
          .append("within 1 percentage point of the smallest batch's, per rule.</p>\n<ul>\n");
    }
    for (String s : summary) {
      h.append("<li>").append(Charts.esc(s)).append("</li>\n");
    }
    h.append("</ul>\n<h2>Charts</h2>\n");
    for (String[] img : images) {
      h.append(Charts.figure(img[0], img[1]));
    }
    h.append("<h2>Trials</h2>\n<table><tr><th>trial</th><th>rule</th><th>batch</th><th>status</th>")
        .append("<th>final val acc</th><th>best val acc</th><th>final val loss</th><th>epochs</th>")
        .append("<th>s / epoch</th><th>examples/s</th><th>steps to target</th>")
        .append("<th>B_simple</th><th>note</th></tr>\n");
    for (TrialResult r : rows) {
      h.append("<tr")
          .append(r.status() == TrialStatus.DONE ? "" : " class=\"failed\"")
          .append("><td>")
          .append(Charts.esc(r.id()))
          .append("</td><td>")
          .append(Charts.esc(rule(r)))
          .append("</td><td class=n>")
          .append(r.batchSize())
          .append("</td><td>")
          .append(r.status())
          .append("</td><td class=n>")
          .append(pct(r.finalAccuracy()))
          .append("</td><td class=n>")
          .append(pct(r.bestAccuracy()))
          .append("</td><td class=n>")
          .append(f(r.finalLoss(), "%.4f"))
          .append("</td><td class=n>")
          .append(f(r.epochs(), "%.1f"))
          .append("</td><td class=n>")
          .append(f(r.epochs() > 0 ? r.trainSeconds() / r.epochs() : Double.NaN, "%.1f"))
          .append("</td><td class=n>")
          .append(f(r.examplesPerSecond(), "%.0f"))
          .append("</td><td class=n>")
          .append(
              !Double.isFinite(r.targetAccuracy())
                  ? "-"
                  : r.reachedTarget() ? Long.toString(r.targetStep()) : "not reached")
          .append("</td><td class=n>")
          .append(f(r.noiseScale(), "%.0f"))
          .append("</td><td>")
          .append(
              Charts.esc(
                  r.sameAs() != null
                      ? "same setup as " + r.sameAs()
                      : r.error() == null ? "" : r.error()))
          .append("</td></tr>\n");
    }
    h.append(
            "</table>\n<p>Full rows: <code>results.csv</code>, <code>results.jsonl</code>; per-trial metrics: ")
        .append("<code>trials/&lt;id&gt;/metrics.jsonl</code>.</p>\n</body></html>\n");
    return h.toString();
  }

  private static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "-";
  }

  private static String f(double v, String fmt) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "-";
  }
}
