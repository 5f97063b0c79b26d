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
  /** Where the first row came from ("file: line 2"), for messages; null for slices and empty pieces. */
  final String firstRow;

  BlockPiece(long start, int rows, int width, double[] features, double[] labels, String firstRow) {
    this.start = start;
    this.rows = rows;
    this.width = width;
    this.features = features;
    this.labels = labels;
    this.firstRow = firstRow;
  }

  PieceSummary summary() {
    return new PieceSummary(rows, width, firstRow);
  }

  BlockPiece slice(long globalStart, int from, int count) {
    double[] f = java.util.Arrays.copyOfRange(features, from * width, (from + count) * width);
    double[] l = java.util.Arrays.copyOfRange(labels, from, from + count);
    return new BlockPiece(globalStart, count, width, f, l, null);
  }
}
