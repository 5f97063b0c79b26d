package polyak.spark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import polyak.spark.run.TrainJob;
import polyak.train.EvaluationReport;

/**
 * What a {@link PolyakEstimator#fit} did, like MLlib's training summaries: the training loss and
 * time of every iteration (read back from the run's metrics.jsonl), every validation, and why and
 * when it stopped.
 */
public final class PolyakTrainingSummary {
  private final long[] iterations;
  private final double[] objectiveHistory;
  private final double[] iterationMillis;
  private final List<EvaluationReport> validations;
  private final String stopReason;
  private final long totalMillis;

  PolyakTrainingSummary(
      long[] iterations,
      double[] objectiveHistory,
      double[] iterationMillis,
      List<EvaluationReport> validations,
      String stopReason,
      long totalMillis) {
    this.iterations = iterations;
    this.objectiveHistory = objectiveHistory;
    this.iterationMillis = iterationMillis;
    this.validations = List.copyOf(validations);
    this.stopReason = stopReason;
    this.totalMillis = totalMillis;
  }

  static PolyakTrainingSummary of(TrainJob.Outcome outcome, Configuration hadoop, long totalMillis)
      throws IOException {
    Path metrics = new Path(new Path(outcome.modelPath()).getParent(), "metrics.jsonl");
    List<long[]> steps = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    FileSystem fs = metrics.getFileSystem(hadoop);
    if (fs.exists(metrics)) {
      ObjectMapper json = new ObjectMapper();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(fs.open(metrics), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          JsonNode n = json.readTree(line);
          if ("step".equals(n.path("type").asText())) {
            steps.add(new long[] {n.path("step").asLong()});
            values.add(
                new double[] {
                  n.path("loss").asDouble(Double.NaN), n.path("ms_total").asDouble(Double.NaN)
                });
          }
        }
      }
    }
    long[] it = new long[steps.size()];
    double[] loss = new double[steps.size()];
    double[] ms = new double[steps.size()];
    for (int i = 0; i < it.length; i++) {
      it[i] = steps.get(i)[0];
      loss[i] = values.get(i)[0];
      ms[i] = values.get(i)[1];
    }
    return new PolyakTrainingSummary(
        it, loss, ms, outcome.result().evaluations(), outcome.result().stopReason(), totalMillis);
  }

  /** Number of optimizer iterations run. */
  public int totalIterations() {
    return iterations.length;
  }

  /** The iteration number of each entry of {@link #objectiveHistory}. */
  public long[] iterations() {
    return iterations.clone();
  }

  /** The training minibatch loss of every iteration. */
  public double[] objectiveHistory() {
    return objectiveHistory.clone();
  }

  /** Wall time of every iteration (broadcast, compute and aggregation), in ms. */
  public double[] iterationMillis() {
    return iterationMillis.clone();
  }

  /**
   * Every validation (iteration, epoch, loss, accuracy); empty without validation data. For a
   * regressor the accuracy is 0 and the loss is the mean mse (½(f − y)²) or l1 loss.
   */
  public List<EvaluationReport> validations() {
    return validations;
  }

  public double[] validationAccuracy() {
    return validations.stream().mapToDouble(EvaluationReport::accuracy).toArray();
  }

  public double[] validationLoss() {
    return validations.stream().mapToDouble(EvaluationReport::loss).toArray();
  }

  public String stopReason() {
    return stopReason;
  }

  /** Wall time of the whole fit (loading the DataFrame included), in ms. */
  public long totalMillis() {
    return totalMillis;
  }
}
