package polyak.spark.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A {@code "type":"step"} line of metrics.jsonl: what one training iteration did and where its time
 * went, in milliseconds. NaN (null in the file) where a figure does not apply or was not measured
 * (e.g. {@code noise_scale} when {@code noise_scale.enabled} is off, or in a line written before it
 * existed).
 */
@JsonPropertyOrder({
  "step",
  "epoch",
  "loss",
  "accuracy",
  "grad_norm",
  "learning_rate",
  "examples",
  "examples_per_s",
  "ms_total",
  "ms_broadcast",
  "ms_compute",
  "ms_aggregate",
  "ms_driver_step",
  "noise_scale",
  "version",
  "run_id"
})
public record StepLine(
    @JsonProperty("step") long step,
    @JsonProperty("epoch") double epoch,
    @JsonProperty("loss") double loss,
    @JsonProperty("accuracy") double accuracy,
    @JsonProperty("grad_norm") double gradNorm,
    @JsonProperty("learning_rate") double learningRate,
    @JsonProperty("examples") long examples,
    @JsonProperty("examples_per_s") double examplesPerSecond,
    @JsonProperty("ms_total") double totalMs,
    @JsonProperty("ms_broadcast") double broadcastMs,
    @JsonProperty("ms_compute") double computeMs,
    @JsonProperty("ms_aggregate") double aggregateMs,
    @JsonProperty("ms_driver_step") double driverStepMs,
    @JsonProperty("noise_scale") double noiseScale,
    @JsonProperty("version") int version,
    @JsonProperty("run_id") String runId)
    implements MetricsLine {}
