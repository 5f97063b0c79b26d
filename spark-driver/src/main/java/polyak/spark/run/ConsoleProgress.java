package polyak.spark.run;

import java.io.PrintStream;
import java.util.Locale;
import polyak.train.EvaluationReport;
import polyak.train.StepReport;

/**
 * The one-line progress display: iteration, epoch, loss, last validation accuracy, examples/s and
 * ETA. On a terminal the line is rewritten in place; otherwise (logs, CI) a line is printed at each
 * evaluation.
 */
public final class ConsoleProgress {
  private final PrintStream out;
  private final boolean terminal;
  private final long totalSteps;
  private final long perEpoch;
  private final long startNanos = System.nanoTime();
  private final long firstStep;
  private double lastAccuracy = Double.NaN;
  private double smoothedRate = Double.NaN;
  private String last = "";

  public ConsoleProgress(
      PrintStream out, boolean terminal, long totalSteps, long perEpoch, long firstStep) {
    this.out = out;
    this.terminal = terminal;
    this.totalSteps = totalSteps;
    this.perEpoch = perEpoch;
    this.firstStep = firstStep;
  }

  public void step(StepReport r) {
    double rate = r.examples() / ((r.gradientMillis() + r.stepMillis()) / 1000.0);
    smoothedRate = Double.isNaN(smoothedRate) ? rate : 0.9 * smoothedRate + 0.1 * rate;
    last = line(r);
    if (terminal) {
      out.print("\r" + last + "   ");
      out.flush();
    }
  }

  public void evaluation(EvaluationReport e) {
    lastAccuracy = e.accuracy();
    if (terminal) {
      out.print(
          "\r"
              + last.replaceAll(
                  "val acc \\S+", String.format(Locale.ROOT, "val acc %.4f", lastAccuracy)));
      out.println();
    } else {
      out.println(
          last.replaceAll("val acc \\S+", String.format(Locale.ROOT, "val acc %.4f", lastAccuracy))
              + String.format(Locale.ROOT, "  (val loss %.4f)", e.loss()));
    }
    out.flush();
  }

  private String line(StepReport r) {
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    long done = r.step() - firstStep;
    double eta = done > 0 ? elapsed / done * (totalSteps - r.step()) : Double.NaN;
    return String.format(
        Locale.ROOT,
        "iter %d/%d  epoch %d/%d  loss %.4f  val acc %s  %s ex/s  ETA %s",
        r.step(),
        totalSteps,
        (r.step() - 1) / perEpoch + 1,
        (totalSteps + perEpoch - 1) / perEpoch,
        r.loss(),
        Double.isNaN(lastAccuracy) ? "-" : String.format(Locale.ROOT, "%.4f", lastAccuracy),
        humanRate(smoothedRate),
        duration(eta));
  }

  static String humanRate(double rate) {
    return rate >= 1000
        ? String.format(Locale.ROOT, "%.1fk", rate / 1000)
        : String.format(Locale.ROOT, "%.0f", rate);
  }

  static String duration(double seconds) {
    if (Double.isNaN(seconds)) {
      return "-";
    }
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
