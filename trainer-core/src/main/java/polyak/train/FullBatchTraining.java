package polyak.train;

import java.util.Arrays;
import java.util.List;
import polyak.nn.BatchResult;
import polyak.optim.DivergenceGuard;
import polyak.optim.Lbfgs;
import polyak.optim.MinimizationResult;
import polyak.optim.WeightPenalty;

/**
 * Full-batch training with L-BFGS (as Spark MLlib's MLP trains): every function evaluation is one
 * gradient over the whole training set from the {@link GradientSource} — on Spark, one distributed
 * pass. {@code training.epochs} bounds the L-BFGS iterations; each evaluation is reported as a
 * step. Batch-norm running statistics are set from the whole training set at the final parameters.
 * The L-BFGS history is not checkpointed: a resumed run restarts it from the saved parameters.
 */
final class FullBatchTraining {
  private FullBatchTraining() {}

  static TrainResult run(TrainingState state, GradientSource source, TrainingListener listener) {
    TrainingConfig config = state.config();
    double[] theta = state.parameters();
    double[] normState = state.normState();
    double[] gradientSum = new double[theta.length];
    double[] normStats = new double[normState.length];
    WeightPenalty penalty =
        config.l1() > 0 || config.l2() > 0
            ? WeightPenalty.elasticNet(state.network().layout(), config.l1(), config.l2())
            : null;
    DivergenceGuard guard = new DivergenceGuard(state.network().layout());
    long[] evaluations = {0};
    long remaining = Math.max(0, config.epochs() - state.step());
    MinimizationResult result =
        new Lbfgs(config.optimizer().history(), (int) remaining, 1e-10)
            .minimize(
                (x, g) -> {
                  long start = System.nanoTime();
                  Arrays.fill(gradientSum, 0.0);
                  Arrays.fill(normStats, 0.0);
                  BatchResult batch = source.fullGradient(x, normState, gradientSum, normStats);
                  double inv = 1.0 / batch.count();
                  for (int i = 0; i < g.length; i++) {
                    g[i] = gradientSum[i] * inv;
                  }
                  guard.check(evaluations[0] + 1, batch.meanLoss(), g);
                  double value = batch.meanLoss() + (penalty == null ? 0 : penalty.addTo(x, g));
                  evaluations[0]++;
                  listener.onStep(
                      state,
                      new StepReport(
                          evaluations[0],
                          batch.meanLoss(),
                          batch.accuracy(),
                          polyak.optim.GradientClipping.l2Norm(g),
                          Double.NaN,
                          batch.count(),
                          (System.nanoTime() - start) / 1e6,
                          0));
                  return value;
                },
                theta);
    state.advance(result.iterations());
    Arrays.fill(gradientSum, 0.0);
    Arrays.fill(normStats, 0.0);
    BatchResult all = source.fullGradient(theta, normState, gradientSum, normStats);
    state.network().assignRunningStatistics(normState, normStats, all.count());
    BatchResult v = source.evaluate(theta, normState);
    EvaluationReport e =
        new EvaluationReport(state.step(), state.step(), v.meanLoss(), v.accuracy());
    listener.onEvaluation(state, e);
    return new TrainResult(
        state,
        theta.clone(),
        List.of(e),
        "L-BFGS: "
            + result.termination().name().toLowerCase()
            + " after "
            + result.iterations()
            + " iterations, "
            + result.evaluations()
            + " full-batch evaluations");
  }
}
