package polyak.spark.cli;

import org.junit.jupiter.api.Test;

/** A bad {@code --fgsm} is bad input: exit 2, one line naming the option, no Spark session. */
class EvaluateFgsmOptionTest {
  @Test
  void negativeEpsilonIsRejected() {
    CliErrorsTest.assertBadInput(
        CliErrorsTest.cli(
            "evaluate", "--conf", CliErrorsTest.EXAMPLE, "-m", "x.polyak", "--fgsm", "-0.1"),
        "--fgsm",
        "non-negative");
    CliErrorsTest.Result notANumber =
        CliErrorsTest.cli(
            "evaluate", "--conf", CliErrorsTest.EXAMPLE, "-m", "x.polyak", "--fgsm", "lots");
    org.junit.jupiter.api.Assertions.assertEquals(2, notANumber.code(), notANumber::toString);
    org.junit.jupiter.api.Assertions.assertTrue(
        notANumber.err().contains("--fgsm"), notANumber::toString);
  }
}
