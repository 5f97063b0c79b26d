package polyak.spark.run;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Kryo serializers for the task results of the evaluate job. Records cannot have their final fields
 * set reflectively, which Kryo's default serializer needs ("Unable to create serializer
 * FieldSerializer for class EvaluationCounts").
 */
public final class RunKryo {
  private RunKryo() {}

  public static void register(Kryo kryo) {
    kryo.register(EvaluationCounts.class, new EvaluationCountsSerializer());
  }

  private static final class EvaluationCountsSerializer extends Serializer<EvaluationCounts> {
    EvaluationCountsSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, EvaluationCounts c) {
      out.writeDouble(c.lossSum());
      out.writeLong(c.count());
      out.writeInt(c.classes(), true);
      out.writeInt(c.confusion().length, true);
      out.writeLongs(c.confusion());
    }

    @Override
    public EvaluationCounts read(Kryo kryo, Input in, Class<EvaluationCounts> type) {
      double lossSum = in.readDouble();
      long count = in.readLong();
      int classes = in.readInt(true);
      return new EvaluationCounts(lossSum, count, classes, in.readLongs(in.readInt(true)));
    }
  }
}
