package polyak.spark.sweep;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import polyak.spark.metrics.EvalLine;
import polyak.spark.metrics.MetricsFile;
import polyak.spark.metrics.StepLine;

/** A trial's metrics.jsonl, read back: its step lines and its validation (eval) lines. */
public record TrialMetrics(List<StepLine> steps, List<EvalLine> evals) {

  public static TrialMetrics read(String dir, Configuration conf) throws IOException {
    MetricsFile f = MetricsFile.read(dir, conf);
    return new TrialMetrics(f.steps(), f.evals());
  }

  public double finalAccuracy() {
    return evals.isEmpty() ? Double.NaN : evals.get(evals.size() - 1).accuracy();
  }

  public double finalLoss() {
    return evals.isEmpty() ? Double.NaN : evals.get(evals.size() - 1).loss();
  }

  public double bestAccuracy() {
    double best = Double.NaN;
    for (EvalLine e : evals) {
      if (Double.isNaN(best) || e.accuracy() > best) {
        best = e.accuracy();
      }
    }
    return best;
  }

  public double finalTrainLoss() {
    return steps.isEmpty() ? Double.NaN : steps.get(steps.size() - 1).loss();
  }

  public long iterations() {
    return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).step();
  }

  public double epochs() {
    return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).epoch();
  }

  /** Seconds spent in training iterations (gradient + central step), validation excluded. */
  public double trainSeconds() {
    double ms = 0;
    for (StepLine s : steps) {
      ms += s.totalMs();
    }
    return ms / 1000;
  }

  public double examplesPerSecond() {
    long n = 0;
    for (StepLine s : steps) {
      n += s.examples();
    }
    double t = trainSeconds();
    return t > 0 ? n / t : Double.NaN;
  }

  /** The first evaluation with validation accuracy at least {@code target}, or null. */
  public EvalLine firstReaching(double target) {
    for (EvalLine e : evals) {
      if (e.accuracy() >= target) {
        return e;
      }
    }
    return null;
  }

  /** Training examples in the steps up to and including {@code step}. */
  public long examplesUpTo(long step) {
    long n = 0;
    for (StepLine s : steps) {
      if (s.step() <= step) {
        n += s.examples();
      }
    }
    return n;
  }

  /** The noise scale logged at {@code step} (the last step when 0), NaN when none was. */
  public double noiseScaleAt(long step) {
    double v = Double.NaN;
    for (StepLine s : steps) {
      if (step == 0 || s.step() <= step) {
        v = s.noiseScale();
      }
    }
    return v;
  }
}
