package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import polyak.nn.ParameterLayout;

/** Save mid-run, restore into a fresh object, continue: the result must be bit-identical. */
class StateRoundTripTest {
  private static final ParameterLayout LAYOUT = TestLayouts.network();
  private static final int N = LAYOUT.size();
  private static final Schedule RATE =
      new WarmupSchedule(new CosineSchedule(0.05, 0.001, 40), 5, 0.01);

  private static OptimizerSpec spec(OptimizerKind kind) {
    OptimizerSpec spec = OptimizerSpec.defaults(kind);
    if (kind.usesWeightDecay()) {
      spec = spec.withWeightDecay(1e-3);
    }
    if (kind.usesMomentum()) {
      spec = spec.withMomentumSchedule(ScheduleSpec.polynomial(0.5, 0.95, 20, 1));
    }
    return spec;
  }

  /** A noisy gradient of a quadratic, deterministic in (t, θ), like a seeded mini-batch. */
  private static void gradient(double[] theta, long t, double[] g) {
    SplittableRandom noise = new SplittableRandom(1000 + t);
    for (int i = 0; i < theta.length; i++) {
      g[i] = (1 + i % 7) * theta[i] + 0.3 * noise.nextGaussian();
    }
  }

  private static double[] start() {
    double[] theta = new double[N];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < N; i++) {
      theta[i] = r.nextDouble(-1, 1);
    }
    return theta;
  }

  private static void run(Optimizer o, double[] theta, long from, long to) {
    double[] g = new double[N];
    for (long t = from; t <= to; t++) {
      gradient(theta, t, g);
      o.step(theta, g, t, RATE.valueAt(t - 1));
    }
  }

  static byte[] save(Checkpointable c) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      c.writeState(out);
    }
    return bytes.toByteArray();
  }

  static void restore(Checkpointable c, byte[] state) throws IOException {
    c.readState(new DataInputStream(new ByteArrayInputStream(state)));
  }

  private static void assertBitIdentical(double[] expected, double[] actual) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          Double.doubleToRawLongBits(expected[i]),
          Double.doubleToRawLongBits(actual[i]),
          "index " + i + ": " + expected[i] + " vs " + actual[i]);
    }
  }

  @ParameterizedTest
  @EnumSource(value = OptimizerKind.class, names = "LBFGS", mode = EnumSource.Mode.EXCLUDE)
  void resumedOptimizerIsBitIdentical(OptimizerKind kind) throws IOException {
    double[] uninterrupted = start();
    run(Optimizers.create(spec(kind), LAYOUT), uninterrupted, 1, 30);

    double[] resumed = start();
    Optimizer first = Optimizers.create(spec(kind), LAYOUT);
    run(first, resumed, 1, 13);
    byte[] state = save(first);
    Optimizer second = Optimizers.create(spec(kind), LAYOUT);
    restore(second, state);
    run(second, resumed, 14, 30);

    assertBitIdentical(uninterrupted, resumed);
    assertTrue(!Arrays.equals(start(), resumed), "the run must actually move the parameters");
  }

  static Stream<Supplier<IterateAverage>> averagers() {
    return Stream.of(
        () -> new UniformAverage(N, 4), () -> new ExponentialMovingAverage(N, 0.95, 2));
  }

  @ParameterizedTest
  @MethodSource("averagers")
  void resumedAveragerIsBitIdentical(Supplier<IterateAverage> factory) throws IOException {
    double[] theta = start();
    Optimizer o = Optimizers.create(OptimizerSpec.defaults(OptimizerKind.ADAM), LAYOUT);
    IterateAverage uninterrupted = factory.get();
    IterateAverage first = factory.get();
    IterateAverage second = null;
    double[] g = new double[N];
    for (long t = 1; t <= 30; t++) {
      gradient(theta, t, g);
      o.step(theta, g, t, 0.01);
      uninterrupted.update(theta, t);
      if (t <= 12) {
        first.update(theta, t);
      } else {
        if (second == null) {
          second = factory.get();
          restore(second, save(first));
        }
        second.update(theta, t);
      }
    }
    assertEquals(uninterrupted.count(), second.count());
    assertBitIdentical(uninterrupted.average(), second.average());
  }

  @Test
  void truncatedStateFailsNamingWhatWasBeingRead() throws IOException {
    Optimizer adam = Optimizers.create(OptimizerSpec.defaults(OptimizerKind.ADAM), LAYOUT);
    run(adam, start(), 1, 3);
    byte[] state = save(adam);
    byte[] truncated = Arrays.copyOf(state, state.length - 9);
    Optimizer fresh = Optimizers.create(OptimizerSpec.defaults(OptimizerKind.ADAM), LAYOUT);
    StateMismatchException e =
        assertThrows(StateMismatchException.class, () -> restore(fresh, truncated));
    assertEquals(
        "'adam' state is truncated: ended while reading vector 'second_moment'", e.getMessage());
    // A failed restore leaves the optimizer untouched: it still behaves like a fresh one.
    double[] a = start();
    double[] b = start();
    run(fresh, a, 1, 2);
    run(Optimizers.create(OptimizerSpec.defaults(OptimizerKind.ADAM), LAYOUT), b, 1, 2);
    assertBitIdentical(b, a);
  }

  @Test
  void stateOfAnotherOptimizerIsRejected() throws IOException {
    byte[] state = save(Optimizers.create(OptimizerSpec.defaults(OptimizerKind.MOMENTUM), LAYOUT));
    Optimizer adam = Optimizers.create(OptimizerSpec.defaults(OptimizerKind.ADAM), LAYOUT);
    StateMismatchException e =
        assertThrows(StateMismatchException.class, () -> restore(adam, state));
    assertEquals(
        "state kind mismatch: saved state is 'momentum' but restoring into 'adam'", e.getMessage());
  }

  @Test
  void stateForAnotherSizeIsRejected() throws IOException {
    byte[] state = save(new Adam(5, 0.9, 0.999, 1e-8, true));
    StateMismatchException e =
        assertThrows(
            StateMismatchException.class,
            () -> restore(new Adam(6, 0.9, 0.999, 1e-8, true), state));
    assertEquals("'adam' state was saved for 5 parameters but this one has 6", e.getMessage());
  }

  @Test
  void garbageIsRejected() {
    byte[] garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    StateMismatchException e =
        assertThrows(
            StateMismatchException.class, () -> restore(new UniformAverage(3, 1), garbage));
    assertTrue(
        e.getMessage().startsWith("not a polyak optimizer state: bad magic"), e.getMessage());
  }
}
