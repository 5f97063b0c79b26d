package polyak.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invalid specs fail with a message naming the field and the problem; text() round-trips. */
class SpecValidationTest {

  private static LossSpec mse() {
    return new LossSpec(LossSpec.Kind.MSE, 0);
  }

  private static void assertMessage(SpecException e, String... parts) {
    for (String p : parts) {
      assertTrue(
          e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  private static SpecException invalid(int input, List<LayerSpec> layers, LossSpec loss) {
    return assertThrows(SpecException.class, () -> new NetworkSpec(input, layers, loss));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -3})
  void denseWidthMustBePositive(int width) {
    SpecException e =
        invalid(
            4,
            List.of(
                new LayerSpec.Dense(8),
                new LayerSpec.Activation(ActivationKind.RELU),
                new LayerSpec.Dense(width)),
            mse());
    assertMessage(e, "layers[2]", "width must be positive", "got " + width);
  }

  @Test
  void inputWidthMustBePositive() {
    assertMessage(
        invalid(0, List.of(new LayerSpec.Dense(2)), mse()), "input", "width must be positive");
  }

  @Test
  void unknownActivation() {
    SpecException e =
        assertThrows(SpecException.class, () -> SpecParser.layer("layers[2]", "swish"));
    assertMessage(e, "layers[2]", "unknown layer or activation 'swish'");
    SpecException inNetwork =
        assertThrows(
            SpecException.class,
            () -> SpecParser.network("model.txt", "input 4\ndense 8\nswish\ndense 2\nloss mse"));
    assertMessage(inNetwork, "model.txt line 3", "unknown layer or activation 'swish'");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.1, 1.5, Double.NaN})
  void dropoutKeepProbabilityInZeroOne(double p) {
    SpecException e =
        invalid(
            4,
            List.of(new LayerSpec.Dense(8), new LayerSpec.Dropout(p), new LayerSpec.Dense(2)),
            mse());
    assertMessage(e, "layers[1]", "keep probability p must be in (0, 1]", "got " + p);
  }

  @Test
  void dropoutKeepProbabilityOneIsValid() {
    new NetworkSpec(
        4,
        List.of(new LayerSpec.Dense(8), new LayerSpec.Dropout(1.0), new LayerSpec.Dense(2)),
        mse());
  }

  @Test
  void maxoutPiecesMustDivideTheWidth() {
    SpecException e =
        invalid(
            4,
            List.of(new LayerSpec.Dense(7), new LayerSpec.Maxout(2), new LayerSpec.Dense(2)),
            mse());
    assertMessage(e, "layers[1]", "input width 7 is not divisible by 2 pieces");
    assertMessage(
        invalid(4, List.of(new LayerSpec.Dense(8), new LayerSpec.Maxout(1)), mse()),
        "layers[1]",
        "pieces must be at least 2");
  }

  @Test
  void softmaxNeedsAtLeastTwoOutputs() {
    SpecException e =
        invalid(
            4,
            List.of(new LayerSpec.Dense(8), new LayerSpec.Dense(1)),
            LossSpec.softmaxCrossEntropy());
    assertMessage(e, "loss", "softmax cross-entropy needs an output of at least 2 units", "has 1");
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0, 1.5})
  void labelSmoothingInRange(double s) {
    SpecException e =
        invalid(4, List.of(new LayerSpec.Dense(3)), new LossSpec(LossSpec.Kind.SOFTMAX_CE, s));
    assertMessage(e, "loss", "smoothing must be in [0, 1)");
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0, 2.0, Double.NaN})
  void batchNormMomentumInRange(double m) {
    SpecException e =
        invalid(
            4,
            List.of(
                new LayerSpec.Dense(8), new LayerSpec.BatchNorm(m, 1e-5), new LayerSpec.Dense(2)),
            mse());
    assertMessage(e, "layers[1]", "momentum must be in [0, 1)", "got " + m);
  }

  @Test
  void normEpsMustBePositive() {
    assertMessage(
        invalid(4, List.of(new LayerSpec.Dense(8), new LayerSpec.BatchNorm(0.9, 0)), mse()),
        "layers[1]",
        "eps must be positive");
    assertMessage(
        invalid(4, List.of(new LayerSpec.Dense(8), new LayerSpec.LayerNorm(-1)), mse()),
        "layers[1]",
        "eps must be positive");
    assertMessage(
        invalid(4, List.of(new LayerSpec.Dense(1), new LayerSpec.LayerNorm()), mse()),
        "layers[1]",
        "at least 2 units");
  }

  @Test
  void groupNormGroupSizeMustDivideTheWidth() {
    assertMessage(
        invalid(
            4,
            List.of(new LayerSpec.Dense(10), new LayerSpec.GroupNorm(4), new LayerSpec.Dense(2)),
            mse()),
        "layers[1]",
        "input width 10 is not divisible by the group size 4");
    assertMessage(
        invalid(4, List.of(new LayerSpec.Dense(8), new LayerSpec.GroupNorm(1)), mse()),
        "layers[1]",
        "group size must be at least 2");
    assertMessage(
        invalid(4, List.of(new LayerSpec.Dense(8), new LayerSpec.GroupNorm(4, 0)), mse()),
        "layers[1]",
        "eps must be positive");
    assertMessage(
        assertThrows(SpecException.class, () -> SpecParser.layer("layers[3]", "groupnorm")),
        "layers[3]",
        "missing group size");
    assertMessage(
        assertThrows(SpecException.class, () -> SpecParser.layer("layers[3]", "groupnorm four")),
        "layers[3]",
        "group size must be an integer, got 'four'");
    assertEquals(
        new LayerSpec.GroupNorm(4, 1e-3), SpecParser.layer("layers[0]", "groupnorm 4 eps=1e-3"));
  }

  @Test
  void unknownInitialiser() {
    SpecException e =
        assertThrows(
            SpecException.class, () -> SpecParser.layer("layers[0]", "dense 8 init=lecun"));
    assertMessage(e, "layers[0]", "init", "unknown initialiser 'lecun'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dense wide", "dense 8.5", "dense"})
  void nonNumericWidth(String line) {
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.layer("layers[1]", line));
    assertMessage(e, "layers[1]", "width");
  }

  @Test
  void nonNumericArguments() {
    assertMessage(
        assertThrows(SpecException.class, () -> SpecParser.layer("layers[3]", "dropout half")),
        "layers[3]",
        "keep probability p must be a number, got 'half'");
    assertMessage(
        assertThrows(SpecException.class, () -> SpecParser.layer("layers[3]", "maxout two")),
        "layers[3]",
        "pieces must be an integer, got 'two'");
    assertMessage(
        assertThrows(
            SpecException.class, () -> SpecParser.layer("layers[3]", "batchnorm momentum=x")),
        "layers[3]",
        "momentum must be a number, got 'x'");
    assertMessage(
        assertThrows(SpecException.class, () -> SpecParser.layer("layers[3]", "relu 0.1")),
        "layers[3]",
        "unexpected argument");
    assertMessage(
        assertThrows(SpecException.class, () -> SpecParser.loss("loss", "hinge")),
        "loss",
        "unknown loss 'hinge'");
    assertMessage(
        assertThrows(SpecException.class, () -> SpecParser.network("m", "dense 4\nloss mse")),
        "m",
        "missing 'input' line");
  }

  @Test
  void needsADenseLayerAndNegativeAlphaIsInvalid() {
    assertMessage(
        invalid(4, List.of(new LayerSpec.Activation(ActivationKind.TANH)), mse()),
        "layers",
        "at least one dense layer");
    assertMessage(
        invalid(
            4,
            List.of(new LayerSpec.Dense(3), new LayerSpec.Activation(ActivationKind.ELU, -1)),
            mse()),
        "layers[1]",
        "alpha must be a non-negative number");
  }

  /**
   * Values that text() cannot write (and the layer or loss ignores) are rejected, so text()
   * round-trips.
   */
  @Test
  void ignoredAlphaOrSmoothingIsRejected() {
    assertMessage(
        invalid(
            4,
            List.of(new LayerSpec.Dense(3), new LayerSpec.Activation(ActivationKind.RELU, 0.5)),
            mse()),
        "layers[1]",
        "alpha applies only to leaky_relu and elu",
        "got 0.5");
    assertMessage(
        invalid(4, List.of(new LayerSpec.Dense(3)), new LossSpec(LossSpec.Kind.MSE, 0.1)),
        "loss",
        "smoothing applies only to softmax_ce",
        "got 0.1");
  }

  @Test
  void textRoundTrip() {
    NetworkSpec spec =
        new NetworkSpec(
            7,
            List.of(
                new LayerSpec.Dense(12, Initialiser.HE_UNIFORM, 0.01),
                new LayerSpec.BatchNorm(0.95, 1e-3),
                new LayerSpec.Activation(ActivationKind.LEAKY_RELU, 0.2),
                new LayerSpec.Dropout(0.8),
                new LayerSpec.Dense(9, Initialiser.NORMAL, 0.05),
                new LayerSpec.Maxout(3),
                new LayerSpec.LayerNorm(),
                new LayerSpec.GroupNorm(3, 1e-4),
                new LayerSpec.Activation(ActivationKind.ELU),
                new LayerSpec.Activation(ActivationKind.SIGMOID),
                new LayerSpec.Activation(ActivationKind.TANH),
                new LayerSpec.Activation(ActivationKind.IDENTITY),
                new LayerSpec.Activation(ActivationKind.RELU),
                new LayerSpec.Dense(4)),
            new LossSpec(LossSpec.Kind.SOFTMAX_CE, 0.1));
    NetworkSpec back = SpecParser.network("round trip", spec.text());
    assertEquals(spec, back);
    assertEquals(spec.text(), back.text());
    assertEquals(4, back.outputWidth());
    for (LossSpec loss :
        List.of(
            new LossSpec(LossSpec.Kind.MSE, 0),
            new LossSpec(LossSpec.Kind.L1, 0),
            LossSpec.softmaxCrossEntropy())) {
      NetworkSpec s = new NetworkSpec(3, List.of(new LayerSpec.Dense(2)), loss);
      assertEquals(s, SpecParser.network("round trip", s.text()));
    }
  }
}
