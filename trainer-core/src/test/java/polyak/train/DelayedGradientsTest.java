package polyak.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.optim.OptimizerConfigException;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;

/**
 * The delayed-gradient mode ({@code training.gradient_delay = 1}): step t applies minibatch t's
 * gradient at θ_{t−1} (θ_0 for t = 0), and a run resumed from a checkpoint continues as the
 * uninterrupted one, running statistics, EMA and Adam included.
 */
class DelayedGradientsTest {
  static final NetworkSpec SPEC =
      SpecParser.network(
          "delayed",
          """
      input 4
      dense 8
      batchnorm
      tanh
      dropout 0.9
      dense 3
      loss softmax_ce
      """);

  static final TrainingConfig SYNC =
      TrainingConfig.defaults()
          .withOptimizer(OptimizerSpec.defaults("adam"))
          .withLearningRate(ScheduleSpec.constant(0.05))
          .withBatchSize(40)
          .withEpochs(100)
          .withAveraging(new AveragingSpec(AveragingSpec.Kind.EMA, 1, 0.9));
  static final TrainingConfig DELAYED = SYNC.withGradientDelay(1);
  static final Dataset[] PARTS = {
    FullBatchLbfgsTest.blobs(100, 1), FullBatchLbfgsTest.blobs(80, 2)
  };
  static final Dataset VALIDATION = FullBatchLbfgsTest.blobs(50, 3);

  static LocalGradientSource source(Network network) {
    return new LocalGradientSource(network, PARTS, VALIDATION, SYNC.seed(), SYNC.batchSize());
  }

  static TrainResult run(TrainingConfig config, long iterations) {
    return new LocalTrainer(SPEC, config.withMaxIterations(iterations).withEvaluation(3, 0))
        .train(PARTS, VALIDATION, TrainingListener.NONE);
  }

  static TrainingState fresh(TrainingConfig config) {
    Network network = Network.build(SPEC);
    return TrainingState.initial(network, config, source(network).iterationsPerEpoch());
  }

  static byte[] bytes(TrainingState s) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    s.write(new DataOutputStream(buf));
    return buf.toByteArray();
  }

  static void read(TrainingState s, byte[] saved) throws IOException {
    s.read(new DataInputStream(new ByteArrayInputStream(saved)));
  }

  @Test
  void stepsApplyTheGradientOfTheParametersBeforeTheLastStep() {
    // by hand: minibatches 0 and 1 at θ_0, minibatch 2 at θ_1
    TrainingState byHand = fresh(DELAYED.withMaxIterations(3));
    LocalGradientSource source = source(Network.build(SPEC));
    double[] theta0 = byHand.parameters().clone();
    double[] stats0 = byHand.normState().clone();
    step(byHand, source, 0, theta0, stats0);
    double[] theta1 = byHand.parameters().clone();
    double[] stats1 = byHand.normState().clone();
    step(byHand, source, 1, theta0, stats0);
    step(byHand, source, 2, theta1, stats1);
    TrainResult delayed = run(DELAYED, 3);
    assertArrayEquals(byHand.parameters(), delayed.state().parameters());
    assertArrayEquals(byHand.normState(), delayed.state().normState());

    // the first step is the synchronous one; from the second on the trajectories part
    assertArrayEquals(run(SYNC, 1).state().parameters(), run(DELAYED, 1).state().parameters());
    assertFalse(
        Arrays.equals(run(SYNC, 2).state().parameters(), run(DELAYED, 2).state().parameters()));
  }

  static void step(
      TrainingState state, LocalGradientSource source, long t, double[] at, double[] stats) {
    double[] g = new double[at.length];
    double[] s = new double[stats.length];
    BatchResult b = source.gradient(t, at, stats, g, s).batch();
    state.step(g, s, b);
  }

  @Test
  void withPredictionMinibatchTwoIsAtTheExtrapolatedParameters() {
    TrainingConfig predicted = DELAYED.withGradientPrediction(true);
    TrainingState byHand = fresh(predicted.withMaxIterations(3));
    LocalGradientSource source = source(Network.build(SPEC));
    double[] theta0 = byHand.parameters().clone();
    double[] stats0 = byHand.normState().clone();
    step(byHand, source, 0, theta0, stats0);
    double[] theta1 = byHand.parameters().clone();
    double[] stats1 = byHand.normState().clone();
    double[] at2 = new double[theta1.length];
    for (int i = 0; i < at2.length; i++) {
      at2[i] = theta1[i] + (theta1[i] - theta0[i]);
    }
    // minibatch 1 at θ_0 + (θ_0 − θ_0) = θ_0
    step(byHand, source, 1, theta0, stats0);
    step(byHand, source, 2, at2, stats1);
    TrainResult run = run(predicted, 3);
    assertArrayEquals(byHand.parameters(), run.state().parameters());
    assertFalse(Arrays.equals(run(DELAYED, 3).state().parameters(), run.state().parameters()));
  }

  @Test
  void aResumedRunWithPredictionEqualsTheUninterruptedOne() throws IOException {
    TrainingConfig predicted = DELAYED.withGradientPrediction(true);
    TrainResult whole = run(predicted, 11);
    byte[] checkpoint = bytes(run(predicted, 5).state());
    TrainingConfig rest = predicted.withMaxIterations(11).withEvaluation(3, 0);
    TrainingState restored = fresh(rest);
    read(restored, checkpoint);
    TrainResult resumed =
        new LocalTrainer(SPEC, rest).resume(restored, PARTS, VALIDATION, TrainingListener.NONE);
    assertArrayEquals(whole.state().parameters(), resumed.state().parameters());
    assertArrayEquals(whole.parameters(), resumed.parameters());
  }

  @Test
  void aResumedRunEqualsTheUninterruptedOne() throws IOException {
    TrainResult whole = run(DELAYED, 11);
    TrainingState half = run(DELAYED, 5).state();
    byte[] checkpoint = bytes(half);

    TrainingConfig rest = DELAYED.withMaxIterations(11).withEvaluation(3, 0);
    TrainingState restored = fresh(rest);
    read(restored, checkpoint);
    assertEquals(5, restored.step());
    TrainResult resumed =
        new LocalTrainer(SPEC, rest).resume(restored, PARTS, VALIDATION, TrainingListener.NONE);
    assertEquals(11, resumed.state().step());
    assertArrayEquals(whole.state().parameters(), resumed.state().parameters());
    assertArrayEquals(whole.state().normState(), resumed.state().normState());
    assertArrayEquals(whole.parameters(), resumed.parameters());

    // θ_{t−1} is what makes it so: dropped (through a synchronous state) the run continues
    // differently
    TrainingState synchronous = fresh(SYNC.withMaxIterations(11));
    read(synchronous, checkpoint);
    TrainingState withoutLag = fresh(rest);
    read(withoutLag, bytes(synchronous));
    TrainResult lagLost =
        new LocalTrainer(SPEC, rest).resume(withoutLag, PARTS, VALIDATION, TrainingListener.NONE);
    assertFalse(Arrays.equals(whole.state().parameters(), lagLost.state().parameters()));
  }

  @Test
  void theDelayIsZeroOrOneAndNotForFullBatch() {
    assertThrows(OptimizerConfigException.class, () -> SYNC.withGradientDelay(2));
    OptimizerConfigException e =
        assertThrows(
            OptimizerConfigException.class,
            () -> DELAYED.withOptimizer(OptimizerSpec.defaults("lbfgs")));
    assertTrue(e.getMessage().contains("training.gradient_delay"), e.getMessage());
    assertEquals(0, TrainingConfig.defaults().gradientDelay());
    assertThrows(OptimizerConfigException.class, () -> SYNC.withGradientPrediction(true));
  }
}
