package polyak.spark.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.data.SparseRows;
import scala.Tuple2;

/**
 * Cuts source pieces of any size (one per file or scan partition, in reading order) into P
 * contiguous, balanced blocks with global base ids: one shuffle of slices, not of rows. Sparse
 * pieces (LibSVM, Parquet vectors) make sparse blocks or, as {@link SparseMode} decides from the
 * density of all rows read, dense ones.
 */
final class Rebalancer {
  private final List<PieceSummary> sources;
  private final long[] sourceStarts;
  private final long rows;
  private final int width;
  private final String firstRow;
  private final boolean sparse;

  /** Non-zeros of the sparse pieces, or -1 when they are dense. */
  private final long sourceNonZeros;

  private final long sourceRows;

  /** {@link #Rebalancer(List, long, String, SparseMode)} with dense pieces kept dense. */
  Rebalancer(List<PieceSummary> sources, long limit, String what) {
    this(sources, limit, what, SparseMode.AUTO);
  }

  /**
   * Plans from the collected source sizes; keeps at most {@code limit} rows. Fails if the sources
   * disagree on the width or hold no rows at all, or if {@code mode} asks dense rows to be sparse.
   */
  Rebalancer(List<PieceSummary> sources, long limit, String what, SparseMode mode) {
    this.sources = sources;
    this.sourceStarts = new long[sources.size()];
    long total = 0;
    long nonZeros = 0;
    boolean sparsePieces = true;
    int w = -1;
    String first = null;
    for (int i = 0; i < sources.size(); i++) {
      PieceSummary s = sources.get(i);
      sourceStarts[i] = total;
      total += s.rows;
      if (s.rows == 0) {
        continue;
      }
      sparsePieces &= s.nonZeros >= 0;
      nonZeros += Math.max(0, s.nonZeros);
      if (w < 0) {
        w = s.width;
        first = s.firstRow;
      } else if (s.width != w) {
        throw new DataException(
            s.firstRow + ": " + s.width + " features, expected " + w + " as in " + first);
      }
    }
    if (total == 0) {
      throw new DataException(what + ": no rows");
    }
    this.rows = Math.min(total, limit);
    this.width = w;
    this.firstRow = first;
    this.sourceRows = total;
    this.sourceNonZeros = sparsePieces ? nonZeros : -1;
    if (!sparsePieces && mode == SparseMode.ON) {
      throw new DataException(
          what
              + ": data.sparse = true, but these rows are dense; only libsvm files and Parquet"
              + " vector columns load sparse");
    }
    this.sparse = sparsePieces && mode.sparseAt(density());
  }

  /** Non-zeros / (rows × width) of all rows read (before a limit), or 1 for dense pieces. */
  double density() {
    return sourceNonZeros < 0 ? 1.0 : sourceNonZeros / ((double) sourceRows * width);
  }

  /** Whether the blocks keep their rows sparse. */
  boolean sparse() {
    return sparse;
  }

  long rows() {
    return rows;
  }

  int width() {
    return width;
  }

  String firstRow() {
    return firstRow;
  }

  JavaRDD<Dataset> blocks(JavaRDD<BlockPiece> pieces, int partitions, int classes, String name) {
    long[] starts = sourceStarts;
    long total = rows;
    int w = width;
    boolean keepSparse = sparse;
    JavaPairRDD<Integer, BlockPiece> slices =
        pieces
            .mapPartitionsWithIndex(
                (i, it) -> {
                  List<Tuple2<Integer, BlockPiece>> out = new ArrayList<>();
                  while (it.hasNext()) {
                    cut(it.next(), starts[i], total, partitions, out);
                  }
                  return out.iterator();
                },
                true)
            .mapToPair(t -> t);
    return slices
        .partitionBy(new TargetPartitioner(partitions))
        .mapPartitionsWithIndex(
            (p, it) ->
                List.of(join(p, it, total, partitions, w, classes, keepSparse, name)).iterator(),
            true);
  }

  private static void cut(
      BlockPiece piece,
      long start,
      long total,
      int partitions,
      List<Tuple2<Integer, BlockPiece>> out) {
    long end = Math.min(start + piece.rows, total);
    for (long at = start; at < end; ) {
      int p = partitionOf(at, total, partitions);
      long to = Math.min(end, Partitioning.start(p + 1, total, partitions));
      out.add(new Tuple2<>(p, piece.slice(at, (int) (at - start), (int) (to - at))));
      at = to;
    }
  }

  private static int partitionOf(long row, long total, int partitions) {
    int p = (int) (row * partitions / total);
    while (Partitioning.start(p + 1, total, partitions) <= row) {
      p++;
    }
    while (Partitioning.start(p, total, partitions) > row) {
      p--;
    }
    return p;
  }

  private static Dataset join(
      int p,
      java.util.Iterator<Tuple2<Integer, BlockPiece>> it,
      long total,
      int partitions,
      int width,
      int classes,
      boolean sparse,
      String name) {
    List<BlockPiece> parts = new ArrayList<>();
    it.forEachRemaining(t -> parts.add(t._2()));
    parts.sort(Comparator.comparingLong(b -> b.start));
    long base = Partitioning.start(p, total, partitions);
    int n = (int) (Partitioning.start(p + 1, total, partitions) - base);
    long nonZeros = 0;
    for (BlockPiece b : parts) {
      nonZeros += Math.max(0, b.nonZeros());
    }
    double[] features =
        new double[sparse ? Math.toIntExact(nonZeros) : Math.multiplyExact(n, width)];
    int[] rowStart = sparse ? new int[n + 1] : null;
    int[] columns = sparse ? new int[features.length] : null;
    double[] labels = new double[n];
    int row = 0;
    for (BlockPiece b : parts) {
      if (b.start != base + row) {
        throw new IllegalStateException(
            "partition " + p + ": slice at row " + b.start + ", expected " + (base + row));
      }
      if (sparse) {
        int at = rowStart[row];
        for (int r = 0; r < b.rows; r++) {
          rowStart[row + r + 1] = at + b.rowStart[r + 1];
        }
        System.arraycopy(b.columns, 0, columns, at, b.rowStart[b.rows]);
        System.arraycopy(b.features, 0, features, at, b.rowStart[b.rows]);
      } else if (b.isSparse()) {
        for (int r = 0; r < b.rows; r++) {
          for (int i = b.rowStart[r]; i < b.rowStart[r + 1]; i++) {
            features[(row + r) * width + b.columns[i]] = b.features[i];
          }
        }
      } else {
        System.arraycopy(b.features, 0, features, row * width, b.rows * width);
      }
      System.arraycopy(b.labels, 0, labels, row, b.rows);
      row += b.rows;
    }
    if (row != n) {
      throw new IllegalStateException(
          "partition " + p + ": " + row + " rows arrived, expected " + n);
    }
    String source = name + " partition " + p;
    SparseRows x = sparse ? new SparseRows(source, width, rowStart, columns, features) : null;
    if (classes == DataSource.REAL_TARGETS) {
      return sparse
          ? Dataset.regression(source, x, 1, labels, base)
          : Dataset.regression(source, width, features, 1, labels, base);
    }
    int[] classLabels = new int[n];
    for (int i = 0; i < n; i++) {
      classLabels[i] = (int) labels[i];
    }
    return sparse
        ? Dataset.classification(source, x, classLabels, classes, base)
        : Dataset.classification(source, width, features, classLabels, classes, base);
  }
}
