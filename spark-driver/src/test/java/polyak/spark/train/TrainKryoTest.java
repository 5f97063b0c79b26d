package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import polyak.nn.Precision;

/** What travels each iteration: float32 vectors as 4-byte floats, exactly, float64 as 8 bytes. */
class TrainKryoTest {
  static Kryo kryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    TrainKryo.register(kryo);
    return kryo;
  }

  static byte[] write(Object o) {
    Output out = new Output(1 << 16, -1);
    kryo().writeObject(out, o);
    return out.toBytes();
  }

  static <T> T read(byte[] bytes, Class<T> type) {
    return kryo().readObject(new Input(bytes), type);
  }

  static double[] vector(int n, Precision precision) {
    SplittableRandom rng = new SplittableRandom(7);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextGaussian() * 1e-3;
    }
    precision.round(v);
    return v;
  }

  @Test
  void aFloat32GradientTravelsInHalfTheBytesAndArrivesExactly() {
    double[] g32 = vector(10_000, Precision.FLOAT32);
    double[] stats = {1.5, 2.25};
    PartialGradient f32 = new PartialGradient(3, g32, stats, 1.25, 7, 64, 99, Precision.FLOAT32);
    PartialGradient f64 = new PartialGradient(3, g32, stats, 1.25, 7, 64, 99);
    byte[] b32 = write(f32);
    byte[] b64 = write(f64);
    assertTrue(b32.length < 0.51 * b64.length, b32.length + " vs " + b64.length + " bytes");
    PartialGradient back = read(b32, PartialGradient.class);
    assertArrayEquals(g32, back.gradient());
    assertArrayEquals(stats, back.normStats());
    assertEquals(Precision.FLOAT32, back.precision());
    assertEquals(f32.result(), back.result());
    assertEquals(Precision.FLOAT64, read(b64, PartialGradient.class).precision());
  }

  @Test
  void aFloat32BroadcastAndSliceArriveExactly() {
    double[] p = vector(5_000, Precision.FLOAT32);
    double[] state = vector(20, Precision.FLOAT64);
    ModelBroadcast m =
        read(write(new ModelBroadcast(p, state, Precision.FLOAT32)), ModelBroadcast.class);
    assertArrayEquals(p, m.params());
    assertArrayEquals(state, m.normState()); // running statistics stay float64
    assertTrue(
        write(new ModelBroadcast(p, state, Precision.FLOAT32)).length
            < 0.52 * write(new ModelBroadcast(p, state)).length);
    GradientSlice s =
        read(
            write(new GradientSlice(2, p, state, 0.5, 1, 2, 3, 4.0, Precision.FLOAT32)),
            GradientSlice.class);
    assertArrayEquals(p, s.gradient());
    assertArrayEquals(state, s.normStats());
    assertEquals(4.0, s.squaredNorm());
  }
}
