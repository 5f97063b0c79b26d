package polyak.spark.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Rows in reading order before they are cut into the final per-partition blocks: either everything
 * one source (a text file, a Parquet scan partition) produced, or a slice of that on its way to its
 * target partition. {@code start} orders pieces: the source index, or for a slice its global row.
 * Rows are dense ({@code features} row-major) or, from sparse sources, compressed sparse rows
 * ({@code rowStart}, {@code columns} and the non-zero values in {@code features}).
 */
final class BlockPiece implements Serializable {
  private static final long serialVersionUID = 2L;

  final long start;
  final int rows;

  /** Features per row, or -1 when the piece has no rows. */
  final int width;

  /** Dense: rows × width values, row-major. Sparse: the value of each non-zero. */
  final double[] features;

  /** Sparse only (else null): rows + 1 offsets into {@code columns} and {@code features}. */
  final int[] rowStart;

  /** Sparse only (else null): the column of each non-zero, ascending within a row. */
  final int[] columns;

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
    this(start, rows, width, features, null, null, labels, firstRow, null);
  }

  private BlockPiece(
      long start,
      int rows,
      int width,
      double[] features,
      int[] rowStart,
      int[] columns,
      double[] labels,
      String firstRow,
      String fault) {
    this.start = start;
    this.rows = rows;
    this.width = width;
    this.features = features;
    this.rowStart = rowStart;
    this.columns = columns;
    this.labels = labels;
    this.firstRow = firstRow;
    this.fault = fault;
  }

  /** Sparse rows: row r's non-zeros are {@code values[rowStart[r] … rowStart[r + 1])}. */
  static BlockPiece sparse(
      long start,
      int rows,
      int width,
      int[] rowStart,
      int[] columns,
      double[] values,
      double[] labels,
      String firstRow) {
    return new BlockPiece(start, rows, width, values, rowStart, columns, labels, firstRow, null);
  }

  /** An empty piece carrying the message of the data fault that stopped its parse. */
  static BlockPiece failed(long start, String fault) {
    return new BlockPiece(start, 0, -1, new double[0], null, null, new double[0], null, fault);
  }

  boolean isSparse() {
    return rowStart != null;
  }

  /** Stored non-zeros of a sparse piece, or -1 for a dense one. */
  long nonZeros() {
    return isSparse() ? rowStart[rows] : -1;
  }

  PieceSummary summary() {
    return new PieceSummary(rows, width, firstRow, fault, nonZeros());
  }

  BlockPiece slice(long globalStart, int from, int count) {
    double[] l = Arrays.copyOfRange(labels, from, from + count);
    if (isSparse()) {
      int lo = rowStart[from];
      int hi = rowStart[from + count];
      int[] s = new int[count + 1];
      for (int r = 0; r <= count; r++) {
        s[r] = rowStart[from + r] - lo;
      }
      return sparse(
          globalStart,
          count,
          width,
          s,
          Arrays.copyOfRange(columns, lo, hi),
          Arrays.copyOfRange(features, lo, hi),
          l,
          null);
    }
    double[] f = Arrays.copyOfRange(features, from * width, (from + count) * width);
    return new BlockPiece(globalStart, count, width, f, l, null);
  }
}
