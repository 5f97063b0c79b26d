package polyak.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.serializer.KryoRegistrator;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.spark.data.DataKryo;
import polyak.spark.run.RunKryo;
import polyak.spark.train.TrainKryo;

/**
 * Every class polyak sends through Spark's serializer (cached or shuffled RDD data, task results,
 * broadcasts), so that {@code spark.kryo.registrationRequired=true} holds. Enable with {@code
 * spark.serializer=org.apache.spark.serializer.KryoSerializer} and {@code
 * spark.kryo.registrator=polyak.spark.PolyakKryoRegistrator}.
 */
public final class PolyakKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(double[].class);
    kryo.register(int[].class);
    kryo.register(long[].class);
    kryo.register(byte[].class);
    kryo.register(int[][].class);
    kryo.register(double[][].class);
    kryo.register(Dataset.class);
    kryo.register(BatchResult.class, new BatchResultSerializer());
    DataKryo.register(kryo);
    TrainKryo.register(kryo);
    RunKryo.register(kryo);
    registerSqlSchemas(kryo);
    // polyak.spark.ml reads and writes Spark ML vector columns: their type travels in schemas too
    kryo.register(org.apache.spark.ml.linalg.VectorUDT.class);
  }

  /**
   * Spark SQL itself sends schemas through the configured serializer (Parquet schema inference
   * collects each file's footer schema as a task result), so with registration required they must
   * be registered too. Scala singletons ({@code IntegerType$}) keep their identity: Spark's Kryo
   * serialises Scala objects by reference to the module instance.
   */
  private static void registerSqlSchemas(Kryo kryo) {
    String[] types = {
      "StructType",
      "StructType[]",
      "StructField",
      "StructField[]",
      "ArrayType",
      "MapType",
      "DecimalType",
      "CharType",
      "VarcharType",
      "StringType",
      "Metadata",
      "DayTimeIntervalType",
      "YearMonthIntervalType",
      "BooleanType$",
      "ByteType$",
      "ShortType$",
      "IntegerType$",
      "LongType$",
      "FloatType$",
      "DoubleType$",
      "StringType$",
      "BinaryType$",
      "DateType$",
      "TimestampType$",
      "TimestampNTZType$",
      "NullType$",
      "CalendarIntervalType$",
      "VariantType$"
    };
    for (String t : types) {
      boolean array = t.endsWith("[]");
      String name = "org.apache.spark.sql.types." + (array ? t.substring(0, t.length() - 2) : t);
      try {
        Class<?> c = Class.forName(name, false, PolyakKryoRegistrator.class.getClassLoader());
        kryo.register(array ? c.arrayType() : c);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(
            "Spark SQL type " + name + " not found: Spark version mismatch?", e);
      }
    }
  }

  /**
   * Records cannot have their final fields set reflectively, which Kryo's default serializer needs.
   */
  private static final class BatchResultSerializer extends Serializer<BatchResult> {
    BatchResultSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, BatchResult r) {
      output.writeDouble(r.lossSum());
      output.writeLong(r.correct());
      output.writeLong(r.count());
    }

    @Override
    public BatchResult read(Kryo kryo, Input input, Class<BatchResult> type) {
      return new BatchResult(input.readDouble(), input.readLong(), input.readLong());
    }
  }
}
