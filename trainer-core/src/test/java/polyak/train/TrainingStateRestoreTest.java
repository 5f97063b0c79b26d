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
import polyak.optim.OptimizerSpec;
import polyak.optim.StateMismatchException;

/**
 * Restoring a checkpoint into a training state either succeeds whole or changes nothing: a saved
 * state whose averaging section does not fit the config is refused after its optimizer section has
 * been read, and the parameters, optimizer state, average and step stay exactly as they were.
 */
class TrainingStateRestoreTest {
  static final TrainingConfig ADAM =
      TrainingConfig.defaults().withOptimizer(OptimizerSpec.defaults("adam")).withBatchSize(30);
  static final AveragingSpec UNIFORM = new AveragingSpec(AveragingSpec.Kind.UNIFORM, 2, 0);
  static final AveragingSpec EMA = new AveragingSpec(AveragingSpec.Kind.EMA, 1, 0.9);

  static TrainingState trained(TrainingConfig config, long iterations) {
    return new LocalTrainer(FullBatchLbfgsTest.SPEC, config.withMaxIterations(iterations))
        .train(FullBatchLbfgsTest.blobs(120, 1), null, new TrainingListener() {})
        .state();
  }

  static byte[] bytes(TrainingState s) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    s.write(new DataOutputStream(buf));
    return buf.toByteArray();
  }

  static void assertRefusedAndUnchanged(byte[] saved, TrainingState target, String message)
      throws IOException {
    byte[] before = bytes(target);
    long step = target.step();
    double[] params = target.parameters().clone();
    StateMismatchException e =
        assertThrows(
            StateMismatchException.class,
            () -> target.read(new DataInputStream(new ByteArrayInputStream(saved))));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertEquals(step, target.step());
    assertArrayEquals(params, target.parameters(), 0.0);
    // the whole saved form (step, θ, running statistics, optimizer, average, early stopping), bit
    // for bit
    assertArrayEquals(before, bytes(target));
  }

  @Test
  void aCheckpointWhoseAveragingKindDiffersLeavesTheStateAsItWas() throws IOException {
    byte[] saved = bytes(trained(ADAM.withAveraging(UNIFORM), 7));
    TrainingState target = trained(ADAM.withAveraging(EMA), 3);
    assertRefusedAndUnchanged(saved, target, "state kind mismatch");
  }

  @Test
  void aCheckpointWithoutAveragingLeavesAStateWithAveragingAsItWas() throws IOException {
    byte[] saved = bytes(trained(ADAM, 7));
    TrainingState target = trained(ADAM.withAveraging(UNIFORM), 3);
    assertRefusedAndUnchanged(saved, target, "without Polyak averaging");
  }

  @Test
  void aMatchingCheckpointRestoresEverything() throws IOException {
    TrainingState source = trained(ADAM.withAveraging(EMA), 7);
    TrainingState target = trained(ADAM.withAveraging(EMA), 3);
    byte[] saved = bytes(source);
    assertFalse(Arrays.equals(saved, bytes(target)));
    target.read(new DataInputStream(new ByteArrayInputStream(saved)));
    assertEquals(7, target.step());
    assertArrayEquals(saved, bytes(target));
  }
}
