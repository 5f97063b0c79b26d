package polyak.spark.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A {@code "type":"data"} line of metrics.jsonl, written once when a run (or a resume) starts
 * training: the cached training data and how much of it Spark holds in memory; the rest is spilled
 * to the executors' local disk (read back from there, not re-read from the source). {@code
 * non_zeros} is null for dense blocks.
 */
@JsonPropertyOrder({
  "step",
  "rows",
  "features",
  "non_zeros",
  "partitions",
  "cached_partitions",
  "memory_bytes",
  "disk_bytes",
  "in_memory",
  "version",
  "run_id"
})
public record DataLine(
    @JsonProperty("step") long step,
    @JsonProperty("rows") long rows,
    @JsonProperty("features") int features,
    @JsonProperty("non_zeros") Long nonZeros,
    @JsonProperty("partitions") int partitions,
    @JsonProperty("cached_partitions") int cachedPartitions,
    @JsonProperty("memory_bytes") long memoryBytes,
    @JsonProperty("disk_bytes") long diskBytes,
    @JsonProperty("in_memory") double inMemory,
    @JsonProperty("version") int version,
    @JsonProperty("run_id") String runId)
    implements MetricsLine {}
