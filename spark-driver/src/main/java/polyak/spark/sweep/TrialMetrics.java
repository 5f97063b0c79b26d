package polyak.spark.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A trial's metrics.jsonl, read back: its step lines and its validation (eval) lines. */
public record TrialMetrics(List<Step> steps, List<Eval> evals) {

  public record Step(long step, double epoch, double loss, double learningRate, long examples, double millis) {}

  public record Eval(long step, double epoch, double loss, double accuracy) {}

  public static TrialMetrics read(String dir, Configuration conf) throws IOException {
    Path path = new Path(dir, "metrics.jsonl");
    FileSystem fs = path.getFileSystem(conf);
    List<Step> steps = new ArrayList<>();
    List<Eval> evals = new ArrayList<>();
    if (!fs.exists(path)) {
      return new TrialMetrics(steps, evals);
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = TrialResult.JSON.readTree(line);
        } catch (IOException e) {
          continue; // a line cut short by a kill
        }
        String type = n.path("type").asText();
        if (type.equals("step")) {
          steps.add(new Step(n.get("step").asLong(), d(n, "epoch"), d(n, "loss"), d(n, "learning_rate"),
              n.path("examples").asLong(), d(n, "ms_total")));
        } else if (type.equals("eval")) {
          evals.add(new Eval(n.get("step").asLong(), d(n, "epoch"), d(n, "loss"), d(n, "accuracy")));
        }
      }
    }
    return new TrialMetrics(steps, evals);
  }

  public double finalAccuracy() {
    return evals.isEmpty() ? Double.NaN : evals.get(evals.size() - 1).accuracy();
  }

  public double finalLoss() {
    return evals.isEmpty() ? Double.NaN : evals.get(evals.size() - 1).loss();
  }

  public double bestAccuracy() {
    double best = Double.NaN;
    for (Eval e : evals) {
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
    for (Step s : steps) {
      ms += s.millis();
    }
    return ms / 1000;
  }

  public double examplesPerSecond() {
    long n = 0;
    for (Step s : steps) {
      n += s.examples();
    }
    double t = trainSeconds();
    return t > 0 ? n / t : Double.NaN;
  }

  private static double d(JsonNode n, String k) {
    JsonNode v = n.get(k);
    return v == null || v.isNull() ? Double.NaN : v.asDouble();
  }
}
