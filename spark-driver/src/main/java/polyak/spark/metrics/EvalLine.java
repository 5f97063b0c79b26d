package polyak.spark.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An {@code "type":"eval"} line of metrics.jsonl: validation loss and accuracy after an iteration.
 */
@JsonPropertyOrder({"step", "epoch", "loss", "accuracy", "version", "run_id"})
public record EvalLine(
    @JsonProperty("step") long step,
    @JsonProperty("epoch") double epoch,
    @JsonProperty("loss") double loss,
    @JsonProperty("accuracy") double accuracy,
    @JsonProperty("version") int version,
    @JsonProperty("run_id") String runId)
    implements MetricsLine {}
