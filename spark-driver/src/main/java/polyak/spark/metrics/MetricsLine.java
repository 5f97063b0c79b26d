package polyak.spark.metrics;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * One line of a run's {@code metrics.jsonl}: a training step ({@code "type":"step"}) or a
 * validation ({@code "type":"eval"}). The fields are listed in the README ("metrics.jsonl"). A line
 * of another type reads as null, so readers skip what they do not know.
 */
@JsonTypeInfo(
    use = JsonTypeInfo.Id.NAME,
    include = JsonTypeInfo.As.PROPERTY,
    property = "type",
    defaultImpl = Void.class)
@JsonSubTypes({
  @JsonSubTypes.Type(value = StepLine.class, name = "step"),
  @JsonSubTypes.Type(value = EvalLine.class, name = "eval")
})
public sealed interface MetricsLine permits StepLine, EvalLine {
  /**
   * The schema version written; lines without one are the hand-written ones before it (same
   * fields).
   */
  int VERSION = 1;

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
