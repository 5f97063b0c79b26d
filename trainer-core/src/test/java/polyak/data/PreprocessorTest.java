package polyak.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
  private static final int WIDTH = 4;

  /** Features with different means and scales per column; column 3 is constant 0.1. */
  private static Dataset data(String source, int rows, long seed, double shift) {
    Random r = new Random(seed);
    double[] x = new double[rows * WIDTH];
    for (int i = 0; i < rows; i++) {
      x[i * WIDTH] = 5 + 2 * r.nextGaussian() + shift;
      x[i * WIDTH + 1] = -100 + 30 * r.nextDouble() + shift;
      x[i * WIDTH + 2] = 1e-3 * r.nextGaussian();
      x[i * WIDTH + 3] = 0.1;
    }
    return Dataset.regression(source, WIDTH, x, 1, new double[rows], 0);
  }

  private static double[] column(Dataset d, int j) {
    double[] c = new double[d.rows()];
    for (int i = 0; i < d.rows(); i++) {
      c[i] = d.features()[i * d.width() + j];
    }
    return c;
  }

  private static double mean(double[] c) {
    return Arrays.stream(c).sum() / c.length;
  }

  private static double std(double[] c) {
    double m = mean(c);
    return Math.sqrt(Arrays.stream(c).map(v -> (v - m) * (v - m)).sum() / c.length);
  }

  @Test
  void zScoreGivesZeroMeanUnitStdOnTrainingData() {
    Dataset train = data("train", 2000, 1, 0);
    double[] before = train.features().clone();
    Standardizer z = Standardizer.fit(train);
    Dataset t = z.apply(train);
    assertArrayEquals(before, train.features(), "apply must not modify its input");
    assertNotSame(train.features(), t.features());
    for (int j = 0; j < 3; j++) {
      assertEquals(0, mean(column(t, j)), 1e-12, "mean of feature " + j);
      assertEquals(1, std(column(t, j)), 1e-12, "std of feature " + j);
    }
    assertEquals(5, z.mean()[0], 0.2);
    assertEquals(2, z.std()[0], 0.2);
  }

  @Test
  void zScoreOnTestDataUsesTrainingStatistics() {
    Dataset train = data("train", 2000, 1, 0);
    Dataset test = data("test", 500, 2, 10); // shifted by 10 in features 0 and 1
    Standardizer z = Standardizer.fit(train);
    Dataset t = z.apply(test);
    double[] mean = z.mean();
    double[] std = z.std();
    for (int i = 0; i < test.rows(); i++) {
      for (int j = 0; j < WIDTH; j++) {
        assertEquals(
            (test.features()[i * WIDTH + j] - mean[j]) / std[j], t.features()[i * WIDTH + j], 0.0);
      }
    }
    // Test's own statistics would centre it; train's leave the shift visible: 10 / std.
    assertEquals(10 / std[0], mean(column(t, 0)), 0.2);
    assertTrue(mean(column(t, 1)) > 1, "shift of feature 1 must remain visible");
  }

  @Test
  void constantFeatureMapsToZero() {
    Dataset train = data("train", 300, 3, 0);
    Standardizer z = Standardizer.fit(train);
    assertEquals(1.0, z.std()[3]);
    MinMaxScaler m = MinMaxScaler.fit(train);
    assertEquals(1.0, m.range()[3]);
    for (Preprocessor p : new Preprocessor[] {z, m}) {
      for (double v : column(p.apply(train), 3)) {
        assertEquals(0.0, v, 0.0, p.toString());
      }
    }
  }

  @Test
  void minMaxScalesTrainingDataToUnitInterval() {
    Dataset train = data("train", 1000, 4, 0);
    MinMaxScaler m = MinMaxScaler.fit(train);
    Dataset t = m.apply(train);
    for (int j = 0; j < 3; j++) {
      double[] c = column(t, j);
      assertEquals(0.0, Arrays.stream(c).min().orElseThrow(), 1e-15);
      assertEquals(1.0, Arrays.stream(c).max().orElseThrow(), 1e-15);
    }
    // Test data beyond the training range is not clipped.
    Dataset shifted = m.apply(data("test", 100, 5, 1000));
    assertTrue(Arrays.stream(column(shifted, 0)).min().orElseThrow() > 1);
  }

  @Test
  void pixelScalingDividesBy255() {
    Dataset d =
        Dataset.classification(
            "px", 3, new double[] {0, 51, 255, 255, 0, 127.5}, new int[] {0, 1}, 2, 0);
    Dataset s = PixelScaling.INSTANCE.apply(d);
    assertArrayEquals(new double[] {0, 0.2, 1, 1, 0, 0.5}, s.features(), 1e-15);
    assertArrayEquals(d.labels(), s.labels());
  }

  @Test
  void applyInPlaceMatchesApplyAndChecksWidth() {
    Dataset train = data("train", 50, 6, 0);
    Standardizer z = Standardizer.fit(train);
    double[] x = train.features().clone();
    z.applyInPlace(x, WIDTH);
    assertArrayEquals(z.apply(train).features(), x, 0.0);
    assertThrows(DataException.class, () -> z.applyInPlace(new double[6], 3));
    assertThrows(IllegalArgumentException.class, () -> z.applyInPlace(new double[7], WIDTH));
    DataException e =
        assertThrows(
            DataException.class,
            () -> z.apply(Dataset.regression("other", 2, new double[4], 1, new double[2], 0)));
    assertTrue(
        e.getMessage()
            .startsWith(
                "other: standardizer (4 features) was fitted on 4 features, but the"
                    + " data has 2"),
        e.getMessage());
  }

  @Test
  void fittingOnEmptyDataIsRefused() {
    Dataset empty = Dataset.regression("empty", 2, new double[0], 1, new double[0], 0);
    DataException e = assertThrows(DataException.class, () -> Standardizer.fit(empty));
    assertTrue(e.getMessage().startsWith("empty: cannot fit"), e.getMessage());
  }

  private static byte[] bytes(Preprocessor p) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    p.write(new DataOutputStream(b));
    return b.toByteArray();
  }

  private static Preprocessor read(byte[] b) throws IOException {
    return Preprocessor.read(new DataInputStream(new ByteArrayInputStream(b)), "test");
  }

  @Test
  void writeReadRoundTripIsExact() throws IOException {
    Dataset train = data("train", 100, 7, 0);
    Standardizer z = Standardizer.fit(train);
    Standardizer z2 = (Standardizer) read(bytes(z));
    assertArrayEquals(z.mean(), z2.mean(), 0.0);
    assertArrayEquals(z.std(), z2.std(), 0.0);
    MinMaxScaler m = MinMaxScaler.fit(train);
    MinMaxScaler m2 = (MinMaxScaler) read(bytes(m));
    assertArrayEquals(m.min(), m2.min(), 0.0);
    assertArrayEquals(m.range(), m2.range(), 0.0);
    assertArrayEquals(m.apply(train).features(), m2.apply(train).features(), 0.0);
    assertSame(PixelScaling.INSTANCE, read(bytes(PixelScaling.INSTANCE)));
    assertEquals(1 + 4 + 2 * 8 * WIDTH, bytes(z).length);
  }

  @Test
  void corruptSerialFormIsRefused() throws IOException {
    DataException e = assertThrows(DataException.class, () -> read(new byte[] {9}));
    assertTrue(e.getMessage().startsWith("test: unknown preprocessor kind tag 9"), e.getMessage());

    byte[] z = bytes(Standardizer.fit(data("train", 10, 8, 0)));
    assertThrows(EOFException.class, () -> read(Arrays.copyOf(z, z.length - 3)));

    byte[] absurd = z.clone();
    absurd[1] = 0x7f; // width 0x7f000004
    e = assertThrows(DataException.class, () -> read(absurd));
    assertTrue(e.getMessage().contains("width 2130706436 outside"), e.getMessage());

    byte[] zeroStd = z.clone();
    Arrays.fill(zeroStd, 1 + 4 + 8 * WIDTH, 1 + 4 + 8 * WIDTH + 8, (byte) 0); // std[0] = 0.0
    e = assertThrows(DataException.class, () -> read(zeroStd));
    assertTrue(e.getMessage().contains("feature 0"), e.getMessage());
  }

  @Test
  void oneHotEncodesLabels() {
    assertArrayEquals(
        new double[] {0, 1, 0, 0, 0, 1, 1, 0, 0}, Labels.oneHot(new int[] {1, 2, 0}, 3), 0.0);
    DataException e = assertThrows(DataException.class, () -> Labels.oneHot(new int[] {1, 3}, 3));
    assertEquals("row 1: label 3 outside [0, 3)", e.getMessage());
  }
}
