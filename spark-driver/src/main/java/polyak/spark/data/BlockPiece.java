package polyak.spark.data;

import java.io.Serializable;

/**
 * Rows in reading order before they are cut into the final per-partition blocks: either everything
 * one source (a text file, a Parquet scan partition) produced, or a slice of that on its way to its
 * target partition. {@code start} orders pieces: the source index, or for a slice its global row.
 */
final class BlockPiece implements Serializable {
  private static final long serialVersionUID = 1L;

  final long start;
  final int rows;

  /** Features per row, or -1 when the piece has no rows. */
  final int width;

  final double[] features;

  /** Class labels (integral values) or real-valued targets, one per row. */
  final double[] labels;

  /**
   * Where the first row came from ("file: line 2"), for messages; null for slices and empty pieces.
   */
  final String firstRow;

  /**
   * A data fault met while parsing (the piece is then empty). Returned as a value instead of
   * thrown, so the task succeeds: Spark neither logs a task failure with its stack trace nor
   * retries a parse that must fail again; the driver raises it (see {@link TrainingData}).
   */
  final String fault;

  BlockPiece(long start, int rows, int width, double[] features, double[] labels, String firstRow) {
    this(start, rows, width, features, labels, firstRow, null);
  }

  private BlockPiece(
      long start,
      int rows,
      int width,
      double[] features,
      double[] labels,
      String firstRow,
      String fault) {
    this.start = start;
    this.rows = rows;
    this.width = width;
    this.features = features;
    this.labels = labels;
    this.firstRow = firstRow;
    this.fault = fault;
  }

  /** An empty piece carrying the message of the data fault that stopped its parse. */
  static BlockPiece failed(long start, String fault) {
    return new BlockPiece(start, 0, -1, new double[0], new double[0], null, fault);
  }

  PieceSummary summary() {
    return new PieceSummary(rows, width, firstRow, fault);
  }

  BlockPiece slice(long globalStart, int from, int count) {
    double[] f = java.util.Arrays.copyOfRange(features, from * width, (from + count) * width);
    double[] l = java.util.Arrays.copyOfRange(labels, from, from + count);
    return new BlockPiece(globalStart, count, width, f, l, null);
  }
}
