package polyak.spark.train;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import polyak.nn.Precision;

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

  /**
   * A vector whose values are exact in {@code precision}: float32 ones are written as 4-byte floats
   * (half the bytes, no rounding since they are float32 values already).
   */
  static void writeVector(Output out, double[] v, Precision precision) {
    out.writeByte(precision.ordinal());
    if (precision == Precision.FLOAT32) {
      float[] f = new float[v.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) v[i];
      }
      out.writeInt(f.length, true);
      out.writeFloats(f);
    } else {
      writeVector(out, v);
    }
  }

  /** Reads what {@link #writeVector(Output, double[], Precision)} wrote. */
  static double[] readVector(Input in, Precision[] precisionOut) {
    Precision precision = Precision.values()[in.readByte()];
    precisionOut[0] = precision;
    if (precision != Precision.FLOAT32) {
      return readVector(in);
    }
    float[] f = in.readFloats(in.readInt(true));
    double[] v = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      v[i] = f[i];
    }
    return v;
  }

  private static final class ModelBroadcastSerializer extends Serializer<ModelBroadcast> {
    ModelBroadcastSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, ModelBroadcast m) {
      writeVector(out, m.params(), m.precision());
      writeVector(out, m.normState());
    }

    @Override
    public ModelBroadcast read(Kryo kryo, Input in, Class<ModelBroadcast> type) {
      Precision[] precision = new Precision[1];
      double[] params = readVector(in, precision);
      return new ModelBroadcast(params, readVector(in), precision[0]);
    }
  }

  private static final class PartialGradientSerializer extends Serializer<PartialGradient> {
    PartialGradientSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, PartialGradient g) {
      out.writeInt(g.partition(), true);
      writeVector(out, g.gradient(), g.precision());
      writeVector(out, g.normStats());
      out.writeDouble(g.lossSum());
      out.writeLong(g.correct());
      out.writeLong(g.count());
      out.writeLong(g.computeNanos());
    }

    @Override
    public PartialGradient read(Kryo kryo, Input in, Class<PartialGradient> type) {
      int partition = in.readInt(true);
      Precision[] precision = new Precision[1];
      double[] gradient = readVector(in, precision);
      return new PartialGradient(
          partition,
          gradient,
          readVector(in),
          in.readDouble(),
          in.readLong(),
          in.readLong(),
          in.readLong(),
          precision[0]);
    }
  }

  private static final class GradientSliceSerializer extends Serializer<GradientSlice> {
    GradientSliceSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, GradientSlice g) {
      out.writeInt(g.partition());
      writeVector(out, g.gradient(), g.precision());
      writeVector(out, g.normStats());
      out.writeDouble(g.lossSum());
      out.writeLong(g.correct());
      out.writeLong(g.count());
      out.writeLong(g.computeNanos());
      out.writeDouble(g.squaredNorm());
    }

    @Override
    public GradientSlice read(Kryo kryo, Input in, Class<GradientSlice> type) {
      int partition = in.readInt();
      Precision[] precision = new Precision[1];
      double[] gradient = readVector(in, precision);
      return new GradientSlice(
          partition,
          gradient,
          readVector(in),
          in.readDouble(),
          in.readLong(),
          in.readLong(),
          in.readLong(),
          in.readDouble(),
          precision[0]);
    }
  }
}
