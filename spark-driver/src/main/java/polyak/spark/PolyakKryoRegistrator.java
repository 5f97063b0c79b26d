package polyak.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.serializer.KryoRegistrator;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.spark.data.DataKryo;

/**
 * Every class polyak sends through Spark's serializer (cached or shuffled RDD data, task results,
 * broadcasts), so that {@code spark.kryo.registrationRequired=true} holds. Enable with
 * {@code spark.serializer=org.apache.spark.serializer.KryoSerializer} and
 * {@code spark.kryo.registrator=polyak.spark.PolyakKryoRegistrator}.
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
  }

  /** Records cannot have their final fields set reflectively, which Kryo's default serializer needs. */
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
