package polyak.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.spec.SpecParser;

/**
 * The distillation loss α·CE + (1 − α)·T²·KL(teacher_T ‖ student_T): its gradient and its limits.
 */
class DistillationTest {
  static final Network STUDENT =
      Network.build(
          SpecParser.network(
              "student", "input 5\ndense 6\ntanh\ndense 3\nloss softmax_ce smoothing=0.1"));
  static final Network TEACHER =
      Network.build(
          SpecParser.network("teacher", "input 5\ndense 8\nsigmoid\ndense 3\nloss softmax_ce"));

  static Dataset data() {
    SplittableRandom rng = new SplittableRandom(4);
    double[] x = new double[9 * 5];
    int[] y = new int[9];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    for (int r = 0; r < 9; r++) {
      y[r] = rng.nextInt(3);
    }
    return Dataset.classification("d", 5, x, y, 3, 0);
  }

  static double[] params(Network n, long seed) {
    double[] p = new double[n.parameterCount()];
    n.initialise(seed, p, new double[0]);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < p.length; i++) {
      p[i] += 0.3 * rng.nextGaussian();
    }
    return p;
  }

  /**
   * Centered differences of the returned loss sum in every student parameter, GradientCheck's error
   * rule.
   */
  @Test
  void gradientMatchesCenteredDifferences() {
    Dataset d = data();
    int[] rows = {8, 2, 5, 0, 7, 3};
    Distillation dist = new Distillation(TEACHER, params(TEACHER, 2), new double[0], 0.3, 2.5);
    double[] p = params(STUDENT, 1);
    double[] analytic = new double[p.length];
    double loss =
        dist.gradient(STUDENT, p, new double[0], d, rows, 0, rows.length, 9, analytic, null)
            .lossSum();
    double floor = 1e-4 * Math.max(1, Math.abs(loss));
    double[] scratch = new double[p.length];
    double worst = 0;
    double step = 1e-5;
    for (int i = 0; i < p.length; i++) {
      double saved = p[i];
      p[i] = saved + step;
      double plus =
          dist.gradient(STUDENT, p, new double[0], d, rows, 0, rows.length, 9, scratch, null)
              .lossSum();
      p[i] = saved - step;
      double minus =
          dist.gradient(STUDENT, p, new double[0], d, rows, 0, rows.length, 9, scratch, null)
              .lossSum();
      p[i] = saved;
      double numeric = (plus - minus) / (2 * step);
      worst =
          Math.max(
              worst,
              Math.abs(analytic[i] - numeric)
                  / Math.max(floor, Math.max(Math.abs(analytic[i]), Math.abs(numeric))));
    }
    double w = worst;
    assertTrue(w < 1e-6, () -> "max relative error " + w);
  }

  @Test
  void alphaOneIsThePlainLossAndAStudentEqualToItsTeacherHasNoSoftLoss() {
    Dataset d = data();
    double[] p = params(STUDENT, 1);
    double[] plain = new double[p.length];
    BatchResult r = STUDENT.gradient(p, new double[0], d, null, 0, 9, 9, plain, null);
    double[] mixed = new double[p.length];
    BatchResult m =
        new Distillation(TEACHER, params(TEACHER, 2), new double[0], 1.0, 3.0)
            .gradient(STUDENT, p, new double[0], d, null, 0, 9, 9, mixed, null);
    assertEquals(r, m);
    assertArrayEquals(plain, mixed, 0.0);

    double[] self = new double[p.length];
    BatchResult s =
        new Distillation(STUDENT, p.clone(), new double[0], 0.0, 2.0)
            .gradient(STUDENT, p, new double[0], d, null, 0, 9, 9, self, null);
    assertEquals(0.0, s.lossSum(), 1e-12);
    for (double g : self) {
      assertEquals(0.0, g, 1e-12);
    }
  }

  /**
   * An ensemble teacher (two members' vectors one after another) gives the mean of the members'
   * distributions at T: the soft term's gradient, linear in the teacher's distribution, is then the
   * mean of the gradients against each member alone.
   */
  @Test
  void anEnsembleTeacherTeachesTheMeanOfItsMembersDistributions() {
    Dataset d = data();
    int[] rows = {8, 2, 5, 0, 7, 3};
    double[] p = params(STUDENT, 1);
    double[] a = params(TEACHER, 2);
    double[] b = params(TEACHER, 3);
    double[] both = new double[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    double[] fromA = new double[p.length];
    double[] fromB = new double[p.length];
    double[] fromBoth = new double[p.length];
    new Distillation(TEACHER, a, new double[0], 0.0, 2.5)
        .gradient(STUDENT, p, new double[0], d, rows, 0, rows.length, 9, fromA, null);
    new Distillation(TEACHER, b, new double[0], 0.0, 2.5)
        .gradient(STUDENT, p, new double[0], d, rows, 0, rows.length, 9, fromB, null);
    new Distillation(TEACHER, both, new double[0], 0.0, 2.5)
        .gradient(STUDENT, p, new double[0], d, rows, 0, rows.length, 9, fromBoth, null);
    double differ = 0;
    for (int i = 0; i < p.length; i++) {
      assertEquals((fromA[i] + fromB[i]) / 2, fromBoth[i], 1e-12);
      differ = Math.max(differ, Math.abs(fromA[i] - fromB[i]));
    }
    assertTrue(differ > 1e-3, "the two members teach alike: " + differ);
  }
}
