package polyak.spark.sweep;

import java.util.Locale;

/**
 * Where a sweep trial ended; {@link #toString()} is the word results.csv/jsonl and trial.json
 * carry.
 */
public enum TrialStatus {
  /** Trained to its end. */
  DONE,
  /** Bad config, divergence or an error: final, not retried. */
  FAILED,
  /** Stopped by the per-trial wall-clock cap; a re-run resumes it. */
  CAPPED,
  /** Training collapsed (e.g. accuracy fell to chance); final. */
  COLLAPSED;

  /** Whether a re-run skips the trial (only a capped trial is resumed). */
  public boolean isFinal() {
    return this != CAPPED;
  }

  /** The status written by {@link #toString()}, e.g. {@code done}. */
  public static TrialStatus parse(String word) {
    return valueOf(word.toUpperCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
