package polyak.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.optim.OptimizerConfigException;
import polyak.optim.OptimizerSpec;
import polyak.optim.Optimizers;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;

/** optimizer.name = lbfgs trains on full-batch gradients through the same loop and sources. */
class FullBatchLbfgsTest {
  static final NetworkSpec SPEC =
      SpecParser.network(
          "test",
          """
      input 4
      dense 8
      tanh
      dense 3
      loss softmax_ce
      """);

  static Dataset blobs(int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[rows * 4];
    int[] y = new int[rows];
    for (int r = 0; r < rows; r++) {
      y[r] = r % 3;
      for (int j = 0; j < 4; j++) {
        x[r * 4 + j] = (j == y[r] ? 2.0 : 0.0) + 0.7 * rng.nextGaussian();
      }
    }
    return Dataset.classification("blobs", 4, x, y, 3, 0);
  }

  @Test
  void lbfgsDecreasesTheFullBatchLossMonotonicallyAndLearns() {
    TrainingConfig config =
        TrainingConfig.defaults().withOptimizer(OptimizerSpec.defaults("lbfgs")).withEpochs(30);
    List<Double> losses = new ArrayList<>();
    TrainResult r =
        new LocalTrainer(SPEC, config)
            .train(
                blobs(300, 1),
                blobs(300, 2),
                new TrainingListener() {
                  @Override
                  public void onStep(TrainingState s, StepReport step) {
                    losses.add(step.loss());
                    assertEquals(
                        300, step.examples(), "every evaluation is over the whole training set");
                  }
                });
    assertTrue(r.stopReason().startsWith("L-BFGS"), r.stopReason());
    assertTrue(r.state().step() > 5 && r.state().step() <= 30, "iterations " + r.state().step());
    assertTrue(
        losses.get(losses.size() - 1) < 0.5 * losses.get(0),
        "loss " + losses.get(0) + " → " + losses.get(losses.size() - 1));
    assertTrue(
        r.lastEvaluation().accuracy() > 0.85, "held-out accuracy " + r.lastEvaluation().accuracy());
  }

  @Test
  void lbfgsIsNotAMinibatchStep() {
    OptimizerConfigException e =
        assertThrows(
            OptimizerConfigException.class,
            () ->
                Optimizers.create(
                    OptimizerSpec.defaults("lbfgs"), polyak.nn.Network.build(SPEC).layout()));
    assertTrue(e.getMessage().contains("full-batch"), e.getMessage());
  }
}
