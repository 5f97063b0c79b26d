package polyak.spark.data;

import java.util.Arrays;
import polyak.data.DataException;

/**
 * Accumulates parsed rows of one source into growing arrays; the first row fixes the width. Dense
 * rows go through {@link #reserve}; a sparse builder instead takes each row's non-zeros through
 * {@link #startSparseRow} and {@link #put} and holds them in compressed sparse row form, so a
 * 100k-wide row costs its non-zeros, not 100k doubles.
 */
final class BlockBuilder {
  /** Dense: the rows, row-major. Sparse: the value of each non-zero. */
  private double[] features = new double[1024];

  /** Per row: the class label (an integer, checked by the parser) or the real-valued target. */
  private double[] labels = new double[64];

  private final boolean sparse;

  /** Sparse only: the column of each non-zero, and where each row's non-zeros start. */
  private int[] columns;

  private int[] rowStart;
  private int nonZeros;

  private int rows;
  private int width = -1;
  private String firstRow;

  /** A builder of dense rows. */
  BlockBuilder() {
    this(false);
  }

  /** A builder of dense rows, or of sparse rows ({@link #startSparseRow}) when {@code sparse}. */
  BlockBuilder(boolean sparse) {
    this.sparse = sparse;
    if (sparse) {
      columns = new int[1024];
      rowStart = new int[65];
    }
  }

  /** Width fixed by the first row, or -1 before it. */
  int width() {
    return width;
  }

  /** Where the first row came from, or null before it. */
  String firstRow() {
    return firstRow;
  }

  private void fixWidth(int rowWidth, String where) {
    if (width < 0) {
      width = rowWidth;
      firstRow = where;
    } else if (rowWidth != width) {
      throw new DataException(
          where + ": " + rowWidth + " features, expected " + width + " as in " + firstRow);
    }
  }

  /**
   * Room for one row of {@code rowWidth} features; fill them at {@link #rowOffset()} then call
   * {@link #commit}.
   */
  double[] reserve(int rowWidth, String where) {
    if (sparse) {
      throw new IllegalStateException("a sparse builder takes rows through startSparseRow");
    }
    fixWidth(rowWidth, where);
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

  /** Starts a sparse row of {@code rowWidth} features: {@link #put} its non-zeros, then commit. */
  void startSparseRow(int rowWidth, String where) {
    if (!sparse) {
      throw new IllegalStateException("a dense builder takes rows through reserve");
    }
    fixWidth(rowWidth, where);
  }

  /**
   * Adds feature {@code column} of the current sparse row; columns must ascend within the row (the
   * caller checks, naming the row). Zeros are not stored.
   */
  void put(int column, double value) {
    if (value == 0) {
      return;
    }
    if (nonZeros == columns.length) {
      int grown = (int) Math.min(Integer.MAX_VALUE - 8, 2L * nonZeros);
      if (grown == nonZeros) {
        throw new DataException(
            firstRow + ": more than " + nonZeros + " non-zeros do not fit in one block");
      }
      columns = Arrays.copyOf(columns, grown);
      features = Arrays.copyOf(features, grown);
    }
    columns[nonZeros] = column;
    features[nonZeros++] = value;
  }

  void commit(double label) {
    if (rows == labels.length) {
      labels = Arrays.copyOf(labels, 2 * labels.length);
    }
    if (sparse) {
      if (rows + 1 == rowStart.length) {
        rowStart = Arrays.copyOf(rowStart, 2 * rowStart.length);
      }
      rowStart[rows + 1] = nonZeros;
    }
    labels[rows++] = label;
  }

  BlockPiece build(long start) {
    if (sparse) {
      return BlockPiece.sparse(
          start,
          rows,
          rows == 0 ? -1 : width,
          Arrays.copyOf(rowStart, rows + 1),
          Arrays.copyOf(columns, nonZeros),
          Arrays.copyOf(features, nonZeros),
          Arrays.copyOf(labels, rows),
          firstRow);
    }
    return new BlockPiece(
        start,
        rows,
        rows == 0 ? -1 : width,
        Arrays.copyOf(features, rows * Math.max(width, 0)),
        Arrays.copyOf(labels, rows),
        firstRow);
  }
}
