package polyak.spark.data;

import java.io.Serializable;

/**
 * Parses one non-blank text line into a row of a {@link BlockBuilder}; {@code where} is "file: line
 * n".
 */
interface LineParser extends Serializable {
  void parse(String line, String where, BlockBuilder out);

  /** Whether this parser fills a sparse {@link BlockBuilder} (non-zeros only). */
  default boolean sparse() {
    return false;
  }
}
