package polyak.spark.data;

import java.io.Serializable;

/** The size of a {@link BlockPiece}, collected to the driver to plan the final partitions. */
final class PieceSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  final int rows;
  final int width;
  final String firstRow;

  PieceSummary(int rows, int width, String firstRow) {
    this.rows = rows;
    this.width = width;
    this.firstRow = firstRow;
  }
}
