package polyak.spark.train;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Kryo serializers for what the training loop sends each iteration. Records cannot have their final
 * fields set reflectively, which Kryo's default serializer needs, and writing the arrays directly
 * is also the fastest form.
 */
public final class TrainKryo {
  private TrainKryo() {}

  public static void register(Kryo kryo) {
    kryo.register(ModelBroadcast.class, new ModelBroadcastSerializer());
    kryo.register(PartialGradient.class, new PartialGradientSerializer());
    kryo.register(GradientSlice.class, new GradientSliceSerializer());
  }

  static void writeVector(Output out, double[] v) {
    out.writeInt(v.length, true);
    out.writeDoubles(v);
  }

  static double[] readVector(Input in) {
    return in.readDoubles(in.readInt(true));
  }

  private static final class ModelBroadcastSerializer extends Serializer<ModelBroadcast> {
    ModelBroadcastSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, ModelBroadcast m) {
      writeVector(out, m.params());
      writeVector(out, m.normState());
    }

    @Override
    public ModelBroadcast read(Kryo kryo, Input in, Class<ModelBroadcast> type) {
      return new ModelBroadcast(readVector(in), readVector(in));
    }
  }

  private static final class PartialGradientSerializer extends Serializer<PartialGradient> {
    PartialGradientSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, PartialGradient g) {
      out.writeInt(g.partition(), true);
      writeVector(out, g.gradient());
      writeVector(out, g.normStats());
      out.writeDouble(g.lossSum());
      out.writeLong(g.correct());
      out.writeLong(g.count());
      out.writeLong(g.computeNanos());
    }

    @Override
    public PartialGradient read(Kryo kryo, Input in, Class<PartialGradient> type) {
      return new PartialGradient(
          in.readInt(true),
          readVector(in),
          readVector(in),
          in.readDouble(),
          in.readLong(),
          in.readLong(),
          in.readLong());
    }
  }

  private static final class GradientSliceSerializer extends Serializer<GradientSlice> {
    GradientSliceSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, GradientSlice g) {
      out.writeInt(g.partition());
      writeVector(out, g.gradient());
      writeVector(out, g.normStats());
      out.writeDouble(g.lossSum());
      out.writeLong(g.correct());
      out.writeLong(g.count());
      out.writeLong(g.computeNanos());
      out.writeDouble(g.squaredNorm());
    }

    @Override
    public GradientSlice read(Kryo kryo, Input in, Class<GradientSlice> type) {
      return new GradientSlice(
          in.readInt(),
          readVector(in),
          readVector(in),
          in.readDouble(),
          in.readLong(),
          in.readLong(),
          in.readLong(),
          in.readDouble());
    }
  }
}
