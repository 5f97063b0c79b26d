package polyak.spark.data;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import polyak.data.DataException;

/**
 * Parquet through Spark SQL's reader, one piece per scan partition. The hidden {@code _metadata}
 * columns give each row's file and row index within that file, so errors name both. A Spark ML
 * vector column is read as its storage struct {@code (type, size, indices, values)} — the UDT's SQL
 * type — so spark-mllib need not be on the class path.
 */
final class ParquetBlocks {
  private static final byte SPARSE = 0;

  private ParquetBlocks() {}

  static JavaRDD<BlockPiece> pieces(SparkSession spark, List<String> paths, DataSource source) {
    StructType fileSchema = spark.read().parquet(paths.toArray(new String[0])).schema();
    StructField features = field(fileSchema, source.parquetFeaturesColumn(), source);
    StructField label = field(fileSchema, source.parquetLabelColumn(), source);
    DataType featureType =
        features.dataType() instanceof UserDefinedType<?> udt ? udt.sqlType() : features.dataType();
    if (!isVector(featureType) && !isNumericArray(featureType)) {
      throw new DataException(
          source.paths()
              + ": column '"
              + features.name()
              + "' has type "
              + features.dataType().simpleString()
              + "; expected a vector or an array of numbers");
    }
    if (!(label.dataType() instanceof NumericType)) {
      throw new DataException(
          source.paths()
              + ": label column '"
              + label.name()
              + "' has type "
              + label.dataType().simpleString()
              + "; expected a number");
    }
    StructType readSchema =
        new StructType(
            new StructField[] {
              new StructField(features.name(), featureType, true, features.metadata()), label
            });
    int classes = source.classes();
    boolean vector = isVector(featureType); // built sparse: see SparseMode for what stays sparse
    return spark
        .read()
        .schema(readSchema)
        .parquet(paths.toArray(new String[0]))
        .select(
            col(features.name()),
            col(label.name()),
            col("_metadata.file_path"),
            col("_metadata.row_index"))
        .javaRDD()
        .mapPartitionsWithIndex(
            (index, rows) -> List.of(piece(index, rows, classes, vector)).iterator(), true);
  }

  private static StructField field(StructType schema, String name, DataSource source) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new DataException(
        source.paths()
            + ": no column '"
            + name
            + "' (columns: "
            + String.join(", ", schema.fieldNames())
            + ")");
  }

  private static boolean isVector(DataType t) {
    if (!(t instanceof StructType s) || s.fields().length != 4) {
      return false;
    }
    List<String> names = Arrays.asList(s.fieldNames());
    return names.equals(List.of("type", "size", "indices", "values"))
        && s.fields()[3].dataType() instanceof ArrayType values
        && values.elementType().equals(DataTypes.DoubleType);
  }

  private static boolean isNumericArray(DataType t) {
    return t instanceof ArrayType a && a.elementType() instanceof NumericType;
  }

  private static BlockPiece piece(long index, Iterator<Row> rows, int classes, boolean sparse) {
    try {
      return parse(index, rows, classes, sparse);
    } catch (DataException e) {
      return BlockPiece.failed(
          index, e.getMessage()); // a value, not a failed task: see BlockPiece.fault
    }
  }

  private static BlockPiece parse(long index, Iterator<Row> rows, int classes, boolean sparse) {
    BlockBuilder out = new BlockBuilder(sparse);
    while (rows.hasNext()) {
      Row row = rows.next();
      String where = row.getString(2) + ": row " + (row.getLong(3) + 1);
      if (row.isNullAt(0)) {
        throw new DataException(where + ": features are null");
      }
      if (row.isNullAt(1)) {
        throw new DataException(where + ": label is null");
      }
      double label = Labels.target(((Number) row.get(1)).doubleValue(), classes, where);
      Object value = row.get(0);
      if (value instanceof Row vector) {
        vector(vector, where, out);
      } else {
        array(row.getList(0), where, out);
      }
      out.commit(label);
    }
    return out.build(index);
  }

  private static void vector(Row v, String where, BlockBuilder out) {
    List<Object> values = v.getList(3);
    boolean sparse = v.getByte(0) == SPARSE;
    int size = sparse ? v.getInt(1) : values.size();
    out.startSparseRow(size, where);
    List<Object> indices = sparse ? v.getList(2) : null;
    int previous = -1;
    for (int i = 0; i < values.size(); i++) {
      int column = sparse ? (Integer) indices.get(i) : i;
      if (column < 0 || column >= size) {
        throw new DataException(where + ": vector index " + column + " outside [0, " + size + ")");
      }
      if (column <= previous) {
        throw new DataException(
            where + ": vector index " + column + " does not follow " + previous + " (must ascend)");
      }
      out.put(column, finite(((Number) values.get(i)).doubleValue(), where, column));
      previous = column;
    }
  }

  private static void array(List<Object> values, String where, BlockBuilder out) {
    double[] f = out.reserve(values.size(), where);
    int at = out.rowOffset();
    for (int i = 0; i < values.size(); i++) {
      Object x = values.get(i);
      if (x == null) {
        throw new DataException(where + ", feature " + (i + 1) + ": null");
      }
      f[at + i] = finite(((Number) x).doubleValue(), where, i);
    }
  }

  private static double finite(double v, String where, int column) {
    if (!Double.isFinite(v)) {
      throw new DataException(
          where + ", feature " + (column + 1) + ": value " + v + " is not finite");
    }
    return v;
  }
}
