package polyak.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import polyak.nn.ParameterLayout;

/**
 * Every first-order optimizer drives the condition-number-100 quadratic of {@link
 * IllConditionedQuadratic} below 1e-6 within a stated number of steps; L-BFGS needs far fewer
 * iterations, and also solves Rosenbrock.
 */
class ConvergenceTest {
  private static final double TARGET = 1e-6;
  private static final int N = IllConditionedQuadratic.N;

  /** 8 weights then 2 biases, so the layout-aware optimizers see both kinds. */
  private static final ParameterLayout LAYOUT = TestLayouts.flat(8, 2);

  /** Steps until f < TARGET, or maxSteps + 1 if never. */
  static int stepsToTarget(Optimizer optimizer, Schedule rate, int maxSteps) {
    IllConditionedQuadratic f = new IllConditionedQuadratic();
    double[] theta = IllConditionedQuadratic.start();
    double[] g = new double[N];
    double value = f.valueAndGradient(theta, g);
    for (int t = 1; t <= maxSteps; t++) {
      optimizer.step(theta, g, t, rate.valueAt(t - 1));
      value = f.valueAndGradient(theta, g);
      if (value < TARGET) {
        return t;
      }
    }
    return maxSteps + 1;
  }

  static Stream<Arguments> firstOrder() {
    return Stream.of(
        // Gradient descent at ε = 2/(λmin + λmax): contraction (κ−1)/(κ+1) per step.
        Arguments.of(
            "sgd", (Supplier<Optimizer>) () -> new Sgd(N), new ConstantSchedule(2.0 / 101), 600),
        // Heavy ball with Polyak's optimal ε = 4/(√L+√m)², μ = ((√κ−1)/(√κ+1))².
        Arguments.of(
            "momentum",
            (Supplier<Optimizer>) () -> new Momentum(N, new ConstantSchedule(81.0 / 121)),
            new ConstantSchedule(4.0 / 121),
            120),
        // Nesterov with ε = 1/L, μ = (√κ−1)/(√κ+1).
        Arguments.of(
            "nesterov",
            (Supplier<Optimizer>) () -> new NesterovMomentum(N, new ConstantSchedule(9.0 / 11)),
            new ConstantSchedule(1.0 / 100),
            200),
        Arguments.of(
            "adagrad",
            (Supplier<Optimizer>) () -> new AdaGrad(N, 1e-7),
            new ConstantSchedule(0.5),
            1000),
        // RMSProp's fixed-β normalisation keeps its step near ε, so it settles only as the rate
        // goes to 0
        // at the end of the cosine schedule: the bound is the schedule length.
        Arguments.of(
            "rmsprop",
            (Supplier<Optimizer>) () -> new RmsProp(N, 0.9, 1e-8),
            new CosineSchedule(0.03, 0, 1000),
            1000),
        Arguments.of(
            "rmsprop_momentum",
            (Supplier<Optimizer>)
                () -> new RmsPropMomentum(N, 0.9, 1e-8, new ConstantSchedule(0.9)),
            new ExponentialDecaySchedule(0.002, 0.01),
            400),
        // Adam's moments shrink together near the optimum on this deterministic problem, so a
        // constant
        // rate converges.
        Arguments.of(
            "adam",
            (Supplier<Optimizer>) () -> new Adam(N, 0.9, 0.999, 1e-8, true),
            new ConstantSchedule(0.1),
            600),
        Arguments.of(
            "adam_uncorrected",
            (Supplier<Optimizer>) () -> new Adam(N, 0.9, 0.999, 1e-8, false),
            new ConstantSchedule(0.1),
            400),
        Arguments.of(
            "adamw",
            (Supplier<Optimizer>) () -> new AdamW(LAYOUT, 0.9, 0.999, 1e-8, 1e-4),
            new ConstantSchedule(0.1),
            600),
        Arguments.of(
            "lars",
            (Supplier<Optimizer>) () -> new Lars(LAYOUT, new ConstantSchedule(0.9), 1.0, 0.0),
            new ExponentialDecaySchedule(0.02, 0.002),
            400),
        Arguments.of(
            "lamb",
            (Supplier<Optimizer>) () -> new Lamb(LAYOUT, 0.9, 0.999, 1e-8, 0.0),
            new ConstantSchedule(0.1),
            400));
  }

  @ParameterizedTest(name = "{0} within {3} steps")
  @MethodSource("firstOrder")
  void reachesTarget(String name, Supplier<Optimizer> optimizer, Schedule rate, int bound) {
    int steps = stepsToTarget(optimizer.get(), rate, bound);
    assertTrue(steps <= bound, name + " did not reach f < 1e-6 within " + bound + " steps");
  }

  @Test
  void lbfgsNeedsFarFewerIterations() {
    double[] theta = IllConditionedQuadratic.start();
    IllConditionedQuadratic f = new IllConditionedQuadratic();
    // ‖∇f‖ ≤ 1e-3 implies f ≤ ‖∇f‖²/(2·λmin) = 5e-7 < 1e-6, the first-order target.
    MinimizationResult result = new Lbfgs(10, 100, 1e-3).minimize(f, theta);
    assertTrue(result.converged(), result.toString());
    assertTrue(result.value() < TARGET, result.toString());
    int bestFirstOrder =
        stepsToTarget(
            new Momentum(N, new ConstantSchedule(81.0 / 121)),
            new ConstantSchedule(4.0 / 121),
            1000);
    // The best first-order run is heavy ball with the oracle-optimal ε and μ (≈ 70 steps); L-BFGS
    // with inexact (Wolfe) steps loses CG's finite termination but still needs about a quarter as
    // many.
    assertTrue(
        result.iterations() * 3 <= bestFirstOrder,
        "L-BFGS took " + result.iterations() + " iterations, heavy ball " + bestFirstOrder);
    assertTrue(result.iterations() <= 20, result.toString());
  }

  @Test
  void lbfgsSolvesRosenbrock() {
    DifferentiableFunction rosenbrock =
        (x, g) -> {
          double a = 1 - x[0];
          double b = x[1] - x[0] * x[0];
          g[0] = -2 * a - 400 * x[0] * b;
          g[1] = 200 * b;
          return a * a + 100 * b * b;
        };
    double[] theta = {-1.2, 1.0};
    MinimizationResult result = new Lbfgs(5, 200, 1e-8).minimize(rosenbrock, theta);
    assertTrue(result.converged(), result.toString());
    assertTrue(result.iterations() <= 60, result.toString());
    assertTrue(
        Math.abs(theta[0] - 1) < 1e-6 && Math.abs(theta[1] - 1) < 1e-6,
        "ended at (" + theta[0] + ", " + theta[1] + ")");
  }

  @Test
  void lbfgsNeverIncreasesTheValue() {
    double accepted = Double.POSITIVE_INFINITY;
    IllConditionedQuadratic q = new IllConditionedQuadratic();
    double[] theta = IllConditionedQuadratic.start();
    for (int iterations = 1; iterations <= 10; iterations++) {
      double[] x = theta.clone();
      MinimizationResult r = new Lbfgs(3, iterations, 0).minimize(q, x);
      assertTrue(
          r.value() < accepted,
          "value did not decrease at iteration " + iterations + ": " + r.value());
      accepted = r.value();
    }
  }
}
