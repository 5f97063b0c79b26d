package polyak.spark.data;

import static org.apache.spark.sql.functions.col;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import polyak.data.DataException;

/**
 * A DataFrame with a Spark ML vector column and a numeric label column as cached dense blocks, cut
 * and balanced exactly as {@link TrainingData} cuts files: rows in the DataFrame's partition order,
 * so a DataFrame read from the same Parquet files gives the same blocks as {@code polyak train}.
 * Errors name the column, the DataFrame partition and the row within it.
 */
public final class FrameData {
  private FrameData() {}

  /**
   * @param what names the data in errors and logs (e.g. "training DataFrame")
   * @param classes the number of classes, or {@link DataSource#REAL_TARGETS} for a real-valued
   *     label (regression)
   * @throws DataException for a null, non-finite or badly sized vector, a label outside [0,
   *     classes), or a non-finite real-valued label
   */
  public static LoadedData load(
      org.apache.spark.sql.Dataset<Row> frame,
      String featuresCol,
      String labelCol,
      int classes,
      int partitions,
      String what) {
    JavaRDD<BlockPiece> pieces =
        frame
            .select(col(featuresCol), col(labelCol).cast(DataTypes.DoubleType))
            .javaRDD()
            .mapPartitionsWithIndex(
                (index, rows) ->
                    List.of(piece(index, rows, featuresCol, labelCol, classes)).iterator(),
                true);
    String name = what + " (features '" + featuresCol + "', label '" + labelCol + "')";
    return TrainingData.rebalanced(pieces, Long.MAX_VALUE, name, classes, partitions, name);
  }

  private static BlockPiece piece(
      int index, Iterator<Row> rows, String featuresCol, String labelCol, int classes) {
    BlockBuilder out = new BlockBuilder();
    long r = 0;
    while (rows.hasNext()) {
      Row row = rows.next();
      r++;
      if (row.isNullAt(1)) {
        throw new DataException(where(labelCol, index, r) + ": label is null");
      }
      double y = row.getDouble(1);
      boolean valid =
          classes == DataSource.REAL_TARGETS
              ? Double.isFinite(y)
              : y == Math.rint(y) && y >= 0 && y < classes;
      double label = valid ? y : Labels.target(y, classes, where(labelCol, index, r));
      if (row.isNullAt(0)) {
        throw new DataException(where(featuresCol, index, r) + ": features are null");
      }
      Vector v = (Vector) row.get(0);
      int size = v.size();
      double[] f = out.reserve(size, where(featuresCol, index, r));
      int at = out.rowOffset();
      if (v instanceof SparseVector s) {
        int[] idx = s.indices();
        double[] val = s.values();
        for (int i = 0; i < idx.length; i++) {
          f[at + idx[i]] = finite(val[i], featuresCol, index, r, idx[i]);
        }
      } else {
        double[] val = v.toArray();
        for (int i = 0; i < size; i++) {
          f[at + i] = finite(val[i], featuresCol, index, r, i);
        }
      }
      out.commit(label);
    }
    return out.build(index);
  }

  private static double finite(double v, String column, int partition, long row, int feature) {
    if (!Double.isFinite(v)) {
      throw new DataException(
          where(column, partition, row)
              + ", feature "
              + (feature + 1)
              + ": value "
              + v
              + " is not finite");
    }
    return v;
  }

  private static String where(String column, int partition, long row) {
    return "column '" + column + "', DataFrame partition " + partition + " row " + row;
  }
}
