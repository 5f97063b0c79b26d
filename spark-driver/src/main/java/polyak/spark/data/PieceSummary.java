package polyak.spark.data;

import java.io.Serializable;

/** The size of a {@link BlockPiece}, collected to the driver to plan the final partitions. */
final class PieceSummary implements Serializable {
  private static final long serialVersionUID = 2L;

  final int rows;
  final int width;
  final String firstRow;

  /** The data fault that stopped the piece's parse (file, row, field: problem), or null. */
  final String fault;

  /** Stored non-zeros of a sparse piece, or -1 for a dense one. */
  final long nonZeros;

  PieceSummary(int rows, int width, String firstRow, String fault, long nonZeros) {
    this.rows = rows;
    this.width = width;
    this.firstRow = firstRow;
    this.fault = fault;
    this.nonZeros = nonZeros;
  }
}
