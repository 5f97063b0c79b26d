package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IterateAverageTest {
  private static double[][] iterates(int count, int size) {
    SplittableRandom random = new SplittableRandom(7);
    double[][] xs = new double[count][size];
    for (double[] x : xs) {
      for (int i = 0; i < size; i++) {
        x[i] = random.nextDouble(-3, 3);
      }
    }
    return xs;
  }

  @Test
  void uniformAverageIsTheArithmeticMeanFromTheStartStep() {
    double[][] xs = iterates(50, 4);
    UniformAverage avg = new UniformAverage(4, 11);
    for (int t = 1; t <= 50; t++) {
      avg.update(xs[t - 1], t);
    }
    assertEquals(40, avg.count());
    for (int i = 0; i < 4; i++) {
      double sum = 0;
      for (int t = 11; t <= 50; t++) {
        sum += xs[t - 1][i];
      }
      assertEquals(sum / 40, avg.average()[i], 1e-13);
    }
  }

  @Test
  void averageBeforeTheStartStepIsAnError() {
    UniformAverage avg = new UniformAverage(2, 5);
    avg.update(new double[] {1, 2}, 4);
    assertThrows(IllegalStateException.class, avg::average);
  }

  @Test
  void emaMatchesItsRecurrence() {
    double[][] xs = iterates(30, 3);
    double d = 0.9;
    ExponentialMovingAverage ema = new ExponentialMovingAverage(3, d);
    double[] expected = xs[0].clone();
    ema.update(xs[0], 1);
    assertArrayEquals(expected, ema.average());
    for (int t = 2; t <= 30; t++) {
      ema.update(xs[t - 1], t);
      for (int i = 0; i < 3; i++) {
        expected[i] = d * expected[i] + (1 - d) * xs[t - 1][i];
      }
      assertArrayEquals(expected, ema.average(), 1e-15);
    }
    double[] copy = new double[3];
    ema.copyAverageInto(copy);
    assertArrayEquals(expected, copy, 1e-15);
  }
}
