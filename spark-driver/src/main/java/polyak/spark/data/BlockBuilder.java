package polyak.spark.data;

import java.util.Arrays;
import polyak.data.DataException;

/** Accumulates parsed rows of one source into growing arrays; the first row fixes the width. */
final class BlockBuilder {
  private double[] features = new double[1024];

  /** Per row: the class label (an integer, checked by the parser) or the real-valued target. */
  private double[] labels = new double[64];

  private int rows;
  private int width = -1;
  private String firstRow;

  /** Width fixed by the first row, or -1 before it. */
  int width() {
    return width;
  }

  /** Where the first row came from, or null before it. */
  String firstRow() {
    return firstRow;
  }

  /**
   * Room for one row of {@code rowWidth} features; fill them at {@link #rowOffset()} then call
   * {@link #commit}.
   */
  double[] reserve(int rowWidth, String where) {
    if (width < 0) {
      width = rowWidth;
      firstRow = where;
    } else if (rowWidth != width) {
      throw new DataException(
          where + ": " + rowWidth + " features, expected " + width + " as in " + firstRow);
    }
    long needed = (long) (rows + 1) * width;
    if (needed > features.length) {
      if (needed > Integer.MAX_VALUE - 8) {
        throw new DataException(
            where
                + ": more than "
                + rows
                + " rows of "
                + width
                + " features do not fit in one array; split the file");
      }
      features =
          Arrays.copyOf(
              features,
              (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * features.length)));
    }
    return features;
  }

  int rowOffset() {
    return rows * width;
  }

  void commit(double label) {
    if (rows == labels.length) {
      labels = Arrays.copyOf(labels, 2 * labels.length);
    }
    labels[rows++] = label;
  }

  BlockPiece build(long start) {
    return new BlockPiece(
        start,
        rows,
        rows == 0 ? -1 : width,
        Arrays.copyOf(features, rows * Math.max(width, 0)),
        Arrays.copyOf(labels, rows),
        firstRow);
  }
}
