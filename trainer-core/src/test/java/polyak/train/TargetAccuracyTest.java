package polyak.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;

/** A run with a target validation accuracy ends at the first evaluation that reaches it. */
class TargetAccuracyTest {
  private static TrainingConfig config() {
    return TrainingConfig.defaults()
        .withBatchSize(32)
        .withEpochs(20)
        .withOptimizer(OptimizerSpec.defaults("sgd"))
        .withLearningRate(ScheduleSpec.constant(0.02))
        .withEvaluation(3, 0);
  }

  private static TrainResult run(ProgressSpec progress, List<EvaluationReport> seen, double[] ns) {
    Dataset all = EnsembleTest.data(600, 11);
    Dataset[] parts = EnsembleTest.split(all, 3);
    Dataset validation = EnsembleTest.data(300, 12);
    Network network = Network.build(EnsembleTest.SPEC);
    TrainingConfig c = config();
    LocalGradientSource source =
        new LocalGradientSource(network, parts, validation, c.seed(), c.batchSize());
    TrainingState state = TrainingState.initial(network, c, source.iterationsPerEpoch());
    return TrainingLoop.run(
        state,
        source,
        new TrainingListener() {
          @Override
          public void onStep(TrainingState s, StepReport r) {
            ns[0] = r.noiseScale();
          }

          @Override
          public void onEvaluation(TrainingState s, EvaluationReport e) {
            seen.add(e);
          }
        },
        progress);
  }

  @Test
  void stopsAtFirstEvaluationReachingTarget() {
    List<EvaluationReport> free = new ArrayList<>();
    run(ProgressSpec.NONE, free, new double[1]);
    // a target the free run reaches part-way: its first evaluation at or above 0.7
    EvaluationReport first = null;
    for (EvaluationReport e : free) {
      if (e.accuracy() >= 0.7) {
        first = e;
        break;
      }
    }
    assertTrue(first != null && first != free.get(free.size() - 1), "target reached mid-run");

    List<EvaluationReport> seen = new ArrayList<>();
    double[] noise = new double[1];
    TrainResult r = run(new ProgressSpec(0.7, true, 0.9), seen, noise);
    EvaluationReport last = seen.get(seen.size() - 1);
    assertEquals(first.step(), last.step(), "stopped at the first evaluation reaching the target");
    assertEquals(first.step(), r.state().step());
    assertEquals(first.accuracy(), last.accuracy(), "the noise scale does not change training");
    for (EvaluationReport e : seen.subList(0, seen.size() - 1)) {
      assertTrue(e.accuracy() < 0.7);
    }
    assertTrue(r.stopReason().contains("target"), r.stopReason());
    assertTrue(Double.isFinite(noise[0]) && noise[0] > 0, "noise scale logged: " + noise[0]);
  }
}
