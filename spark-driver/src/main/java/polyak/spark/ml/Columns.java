package polyak.spark.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks and output columns shared by the estimator and its model; messages name the column.
 */
final class Columns {
  private Columns() {}

  static void requireVector(StructType schema, String column, String param) {
    DataType t = type(schema, column, param);
    if (!t.equals(SQLDataTypes.VectorType())) {
      throw new IllegalArgumentException(
          param
              + " '"
              + column
              + "' has type "
              + t.simpleString()
              + "; expected a Spark ML Vector (org.apache.spark.ml.linalg.Vector, e.g. from VectorAssembler)");
    }
  }

  /**
   * @param what what the number is, for the message (e.g. "the class index 0 .. classes-1")
   */
  static void requireNumeric(StructType schema, String column, String param, String what) {
    DataType t = type(schema, column, param);
    if (!(t instanceof NumericType)) {
      throw new IllegalArgumentException(
          param
              + " '"
              + column
              + "' has type "
              + t.simpleString()
              + "; expected a number ("
              + what
              + ")");
    }
  }

  static void requireBoolean(StructType schema, String column, String param) {
    DataType t = type(schema, column, param);
    if (!(t instanceof BooleanType)) {
      throw new IllegalArgumentException(
          param + " '" + column + "' has type " + t.simpleString() + "; expected a boolean");
    }
  }

  private static DataType type(StructType schema, String column, String param) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        return f.dataType();
      }
    }
    throw new IllegalArgumentException(
        param
            + " '"
            + column
            + "': no such column (columns: "
            + String.join(", ", schema.fieldNames())
            + ")");
  }

  /** {@code schema} with the raw, probability and prediction columns whose names are not empty. */
  static StructType withOutputs(
      StructType schema, String raw, String probability, String prediction) {
    List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
    add(fields, schema, raw, "rawPredictionCol", SQLDataTypes.VectorType());
    add(fields, schema, probability, "probabilityCol", SQLDataTypes.VectorType());
    add(fields, schema, prediction, "predictionCol", DataTypes.DoubleType);
    return DataTypes.createStructType(fields);
  }

  private static void add(
      List<StructField> fields, StructType schema, String name, String param, DataType type) {
    if (name.isEmpty()) {
      return;
    }
    for (String existing : schema.fieldNames()) {
      if (existing.equals(name)) {
        throw new IllegalArgumentException(
            param + " '" + name + "': the input already has a column of that name");
      }
    }
    fields.add(DataTypes.createStructField(name, type, false));
  }
}
