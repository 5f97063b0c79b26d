package polyak.spark.ml;

import java.io.Serializable;

/**
 * The columns a model appends to each row, computed on the executors from the network's outputs for
 * that row.
 */
interface ScoreColumns extends Serializable {
  /** How many columns are appended. */
  int count();

  /**
   * Puts the row's columns into {@code values[at ..]} from its outputs {@code outputs[offset ..
   * offset + width)}.
   */
  void put(double[] outputs, int offset, int width, Object[] values, int at);
}
