package polyak.spark.metrics;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * One line of a run's {@code metrics.jsonl}: a training step ({@code "type":"step"}), a validation
 * ({@code "type":"eval"}) or the cached training data at the start ({@code "type":"data"}). The
 * fields are listed in the README ("metrics.jsonl"). A line of another type reads as null, so
 * readers skip what they do not know.
 */
@JsonTypeInfo(
    use = JsonTypeInfo.Id.NAME,
    include = JsonTypeInfo.As.PROPERTY,
    property = "type",
    defaultImpl = Void.class)
@JsonSubTypes({
  @JsonSubTypes.Type(value = StepLine.class, name = "step"),
  @JsonSubTypes.Type(value = EvalLine.class, name = "eval"),
  @JsonSubTypes.Type(value = DataLine.class, name = "data")
})
public sealed interface MetricsLine permits StepLine, EvalLine, DataLine {
  /**
   * The schema version written; lines without one are the hand-written ones before it (same
   * fields). 2 added the {@code data} line; step and eval lines are unchanged since 1. Raise it
   * when a line type or field is added, never reuse a field name with a new meaning.
   */
  int VERSION = 2;

  /** The 1-based iteration the line belongs to. */
  long step();

  /** The schema version the line was written with (0: before versions). */
  int version();

  /** The run that wrote the line, or null. */
  String runId();

  /** The line as JSON, without the newline. */
  default String toJson() {
    try {
      return Json.MAPPER.writerFor(MetricsLine.class).writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a metrics line: " + e.getMessage(), e);
    }
  }

  /**
   * The line {@code text} as a step or eval line; null for a line of another type or one cut short.
   */
  static MetricsLine parse(String text) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(text, MetricsLine.class);
    } catch (JsonProcessingException e) {
      return null; // a line cut short by a kill
    }
  }
}
