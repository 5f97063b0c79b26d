package polyak.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import polyak.nn.BatchResult;
import polyak.optim.EarlyStopping;

/**
 * The training loop, the same for one JVM and for Spark: for each iteration, gradient sums from the
 * {@link GradientSource}, one central {@link TrainingState#step}, and validation on the configured
 * cadence with early stopping on validation accuracy. Resumes from whatever step the state is at.
 * With {@code training.gradient_delay = 1} the gradients come one step late ({@link
 * DelayedGradients}).
 */
public final class TrainingLoop {
  private TrainingLoop() {}

  public static TrainResult run(
      TrainingState state, GradientSource source, TrainingListener listener) {
    return run(state, source, listener, ProgressSpec.NONE);
  }

  /**
   * Also ends the run at the first evaluation whose validation accuracy reaches {@code progress}'s
   * target, and estimates the gradient noise scale every iteration if asked (it only reads the
   * gradient sums, so the parameters are the same with it on or off).
   */
  public static TrainResult run(
      TrainingState state,
      GradientSource source,
      TrainingListener listener,
      ProgressSpec progress) {
    TrainingConfig config = state.config();
    if (config.optimizer().kind().fullBatch()) {
      return FullBatchTraining.run(state, source, listener);
    }
    try (DelayedGradients delayed =
        config.gradientDelay() > 0 ? new DelayedGradients(source, state) : null) {
      return run(state, source, delayed, listener, progress);
    }
  }

  /** The minibatch loop; {@code delayed} null in the synchronous mode. */
  private static TrainResult run(
      TrainingState state,
      GradientSource source,
      DelayedGradients delayed,
      TrainingListener listener,
      ProgressSpec progress) {
    TrainingConfig config = state.config();
    long perEpoch = source.iterationsPerEpoch();
    long total = config.totalIterations(perEpoch);
    long every = config.evaluateEvery() > 0 ? config.evaluateEvery() : perEpoch;
    double[] gradientSum = new double[state.parameters().length];
    double[] normStats = new double[state.normState().length];
    EarlyStopping early = state.earlyStopping();
    List<EvaluationReport> evaluations = new ArrayList<>();
    String reason = "completed " + total + " iterations";
    GradientNoiseScale noise =
        progress.noiseScale() ? new GradientNoiseScale(progress.noiseDecay()) : null;
    while (state.step() < total) {
      long t = state.step();
      Arrays.fill(gradientSum, 0.0);
      Arrays.fill(normStats, 0.0);
      long start = System.nanoTime();
      GradientResult g =
          delayed != null
              ? delayed.next(total, gradientSum, normStats)
              : source.gradient(t, state.parameters(), state.normState(), gradientSum, normStats);
      long gradientDone = System.nanoTime();
      // before the step, which may clip or add penalties to the sums in place
      double noiseScale =
          noise == null ? Double.NaN : noise.observe(gradientSum, g.batch().count(), g.shares());
      StepReport report = state.step(gradientSum, normStats, g.batch());
      long stepDone = System.nanoTime();
      listener.onStep(
          state,
          report.timed(
              (gradientDone - start) / 1e6,
              (stepDone - gradientDone) / 1e6,
              g.timing(),
              noiseScale));
      if (state.step() % every == 0 || state.step() == total) {
        double[] evalParams = state.evaluationParameters();
        BatchResult v = source.evaluate(evalParams, state.normState());
        EvaluationReport e =
            new EvaluationReport(
                state.step(), (double) state.step() / perEpoch, v.meanLoss(), v.accuracy());
        evaluations.add(e);
        // observed before the listener hears of it, so a checkpoint taken there includes this
        // evaluation
        boolean stop = early != null && early.observe(v.accuracy(), evalParams);
        listener.onEvaluation(state, e);
        state.observeEvaluation(e);
        if (!stop && progress.hasTarget() && v.accuracy() >= progress.targetAccuracy()) {
          reason =
              "target validation accuracy "
                  + progress.targetAccuracy()
                  + " reached after "
                  + state.step()
                  + " iterations ("
                  + v.accuracy()
                  + ")";
          break;
        }
        if (stop) {
          reason =
              "early stopping after "
                  + state.step()
                  + " iterations: no gain in validation accuracy for "
                  + config.patience()
                  + " evaluations; best "
                  + early.bestMetric()
                  + " restored";
          break;
        }
      }
    }
    double[] exported = state.evaluationParameters().clone();
    if (early != null && early.hasBest()) {
      early.restoreBest(exported);
    }
    return new TrainResult(state, exported, List.copyOf(evaluations), reason);
  }
}
