package polyak.spark.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import polyak.spark.metrics.Json;

/**
 * One row of a sweep's results table (results.jsonl and results.csv; also each trial's trial.json).
 *
 * @param status where the trial ended: done, failed, collapsed (stopped by the collapse detection:
 *     accuracy at chance or a zero gradient) or capped (stopped by the per-trial wall-clock cap;
 *     resumable)
 * @param epochs epochs completed (iterations / iterations per epoch)
 * @param wallSeconds wall time of this attempt (a resumed trial: since its resume)
 * @param trainSeconds time in training iterations over the whole trial, from metrics.jsonl
 * @param examplesPerSecond training throughput over the whole trial, from metrics.jsonl
 * @param resumedFrom the checkpoint iteration this attempt resumed from (0: fresh)
 * @param sameAs the id of an earlier trial with the identical effective training setup whose run
 *     this row reuses, or null
 * @param targetAccuracy the validation-accuracy target the trial ran to, NaN without one
 * @param targetStep the iteration of the first evaluation reaching the target; 0: never reached
 * @param targetExamples training examples seen up to and including {@code targetStep}; 0: never
 * @param noiseScale the smoothed gradient noise scale B_simple logged at {@code targetStep} (or at
 *     the last step when the target was not reached); NaN when not estimated
 */
public record TrialResult(
    String id,
    String variant,
    String stage,
    Map<String, String> overrides,
    TrialStatus status,
    int batchSize,
    double finalAccuracy,
    double bestAccuracy,
    double finalLoss,
    double finalTrainLoss,
    double epochs,
    long iterations,
    double wallSeconds,
    double trainSeconds,
    double examplesPerSecond,
    long resumedFrom,
    String sameAs,
    String error,
    double targetAccuracy,
    long targetStep,
    long targetExamples,
    double noiseScale) {

  /** A row without a target. */
  public TrialResult(
      String id,
      String variant,
      String stage,
      Map<String, String> overrides,
      TrialStatus status,
      int batchSize,
      double finalAccuracy,
      double bestAccuracy,
      double finalLoss,
      double finalTrainLoss,
      double epochs,
      long iterations,
      double wallSeconds,
      double trainSeconds,
      double examplesPerSecond,
      long resumedFrom,
      String sameAs,
      String error) {
    this(
        id,
        variant,
        stage,
        overrides,
        status,
        batchSize,
        finalAccuracy,
        bestAccuracy,
        finalLoss,
        finalTrainLoss,
        epochs,
        iterations,
        wallSeconds,
        trainSeconds,
        examplesPerSecond,
        resumedFrom,
        sameAs,
        error,
        Double.NaN,
        0,
        0,
        Double.NaN);
  }

  /** Whether the trial reached its validation-accuracy target. */
  public boolean reachedTarget() {
    return targetStep > 0;
  }

  static final ObjectMapper JSON = Json.MAPPER;

  public static final List<String> COLUMNS =
      List.of(
          "trial",
          "variant",
          "stage",
          "overrides",
          "status",
          "batch_size",
          "final_val_accuracy",
          "best_val_accuracy",
          "final_val_loss",
          "final_train_loss",
          "epochs",
          "iterations",
          "wall_s",
          "train_s",
          "examples_per_s",
          "resumed_from",
          "same_as",
          "error",
          "target_accuracy",
          "target_step",
          "target_examples",
          "noise_scale");

  public boolean finished() {
    return status.isFinal();
  }

  public TrialResult withReuse(Trial t, String original) {
    return new TrialResult(
        t.id(),
        t.variant(),
        t.stage(),
        t.overrides(),
        status,
        batchSize,
        finalAccuracy,
        bestAccuracy,
        finalLoss,
        finalTrainLoss,
        epochs,
        iterations,
        0,
        trainSeconds,
        examplesPerSecond,
        0,
        original,
        error,
        targetAccuracy,
        targetStep,
        targetExamples,
        noiseScale);
  }

  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("trial", id);
    o.put("variant", variant);
    o.put("stage", stage);
    ObjectNode ov = o.putObject("overrides");
    overrides.forEach(ov::put);
    o.put("status", status.toString());
    o.put("batch_size", batchSize);
    num(o, "final_val_accuracy", finalAccuracy);
    num(o, "best_val_accuracy", bestAccuracy);
    num(o, "final_val_loss", finalLoss);
    num(o, "final_train_loss", finalTrainLoss);
    num(o, "epochs", epochs);
    o.put("iterations", iterations);
    num(o, "wall_s", wallSeconds);
    num(o, "train_s", trainSeconds);
    num(o, "examples_per_s", examplesPerSecond);
    o.put("resumed_from", resumedFrom);
    o.put("same_as", sameAs);
    o.put("error", error);
    num(o, "target_accuracy", targetAccuracy);
    o.put("target_step", targetStep);
    o.put("target_examples", targetExamples);
    num(o, "noise_scale", noiseScale);
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TrialResult fromJson(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      Map<String, String> ov = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.get("overrides").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ov.put(e.getKey(), e.getValue().asText());
      }
      return new TrialResult(
          n.get("trial").asText(),
          text(n, "variant"),
          n.get("stage").asText(),
          ov,
          TrialStatus.parse(n.get("status").asText()),
          n.get("batch_size").asInt(),
          num(n, "final_val_accuracy"),
          num(n, "best_val_accuracy"),
          num(n, "final_val_loss"),
          num(n, "final_train_loss"),
          num(n, "epochs"),
          n.get("iterations").asLong(),
          num(n, "wall_s"),
          num(n, "train_s"),
          num(n, "examples_per_s"),
          n.get("resumed_from").asLong(),
          text(n, "same_as"),
          text(n, "error"),
          num(n, "target_accuracy"),
          n.path("target_step").asLong(0),
          n.path("target_examples").asLong(0),
          num(n, "noise_scale"));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a sweep result line: " + line, e);
    }
  }

  public String toCsv() {
    List<String> f = new ArrayList<>();
    f.add(id);
    f.add(variant == null ? "" : variant);
    f.add(stage);
    f.add(describe());
    f.add(status.toString());
    f.add(Integer.toString(batchSize));
    f.add(fmt(finalAccuracy));
    f.add(fmt(bestAccuracy));
    f.add(fmt(finalLoss));
    f.add(fmt(finalTrainLoss));
    f.add(fmt(epochs));
    f.add(Long.toString(iterations));
    f.add(fmt(wallSeconds));
    f.add(fmt(trainSeconds));
    f.add(fmt(examplesPerSecond));
    f.add(Long.toString(resumedFrom));
    f.add(sameAs == null ? "" : sameAs);
    f.add(error == null ? "" : error);
    f.add(fmt(targetAccuracy));
    f.add(Long.toString(targetStep));
    f.add(Long.toString(targetExamples));
    f.add(fmt(noiseScale));
    List<String> quoted = new ArrayList<>();
    for (String s : f) {
      quoted.add(
          s.contains(",") || s.contains("\"") || s.contains("\n")
              ? "\"" + s.replace("\"", "\"\"").replace("\n", " ") + "\""
              : s);
    }
    return String.join(",", quoted);
  }

  public String describe() {
    List<String> parts = new ArrayList<>();
    overrides.forEach((k, v) -> parts.add(k + "=" + v.replace("\"", "")));
    return String.join("; ", parts);
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
  }

  private static void num(ObjectNode o, String k, double v) {
    if (Double.isFinite(v)) {
      o.put(k, v);
    } else {
      o.putNull(k);
    }
  }

  private static double num(JsonNode n, String k) {
    JsonNode v = n.get(k);
    return v == null || v.isNull() ? Double.NaN : v.asDouble();
  }

  private static String text(JsonNode n, String k) {
    JsonNode v = n.get(k);
    return v == null || v.isNull() ? null : v.asText();
  }
}
