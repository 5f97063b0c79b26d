package polyak.optim;

import java.util.Optional;
import polyak.nn.ParameterLayout;
import polyak.nn.ParameterSegment;

/**
 * Detects divergence before it reaches the parameters: checks loss and gradient for non-finite
 * values and names the first bad segment, e.g. "iteration 17: gradient is not finite, first at
 * layer 2 WEIGHT (segment 'dense2.weight') index 31 (flat index 95) = NaN". It also keeps a copy of
 * the last parameters known good, so the trainer can roll back (and e.g. lower the rate).
 */
public final class DivergenceGuard {
  private final ParameterLayout layout;
  private final double[] lastGood;
  private long lastGoodIteration = -1;

  public DivergenceGuard(ParameterLayout layout) {
    this.layout = layout;
    this.lastGood = new double[layout.size()];
  }

  /**
   * A description of the first problem in loss then gradient, or empty if both are finite. A
   * non-finite loss usually comes with a non-finite gradient: then the first bad segment is named
   * too.
   */
  public Optional<String> findProblem(long iteration, double loss, double[] gradient) {
    Optional<String> badGradient = findNonFinite(iteration, "gradient", gradient);
    if (!Double.isFinite(loss)) {
      String lossProblem = "iteration " + iteration + ": loss is not finite (" + loss + ")";
      return Optional.of(
          badGradient
              .map(g -> lossProblem + "; " + g.substring(g.indexOf(": ") + 2))
              .orElse(lossProblem));
    }
    return badGradient;
  }

  /** Throws {@link DivergenceException} if loss or gradient is not finite. */
  public void check(long iteration, double loss, double[] gradient) {
    Optional<String> problem = findProblem(iteration, loss, gradient);
    if (problem.isPresent()) {
      throw new DivergenceException(iteration, problem.get());
    }
  }

  /** Describes the first non-finite value of a layout-shaped vector, or empty if all are finite. */
  public Optional<String> findNonFinite(long iteration, String what, double[] vector) {
    if (vector.length != layout.size()) {
      throw new IllegalArgumentException(
          what + ": expected " + layout.size() + " values, got " + vector.length);
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Double.isFinite(vector[i])) {
        ParameterSegment s = layout.segmentAt(i);
        return Optional.of(
            "iteration "
                + iteration
                + ": "
                + what
                + " is not finite, first at layer "
                + s.layer()
                + " "
                + s.kind()
                + " (segment '"
                + s.name()
                + "') index "
                + (i - s.offset())
                + " (flat index "
                + i
                + ") = "
                + vector[i]);
      }
    }
    return Optional.empty();
  }

  /** Remembers {@code theta} (copied) as the last known-good parameters. */
  public void rememberGood(long iteration, double[] theta) {
    if (theta.length != lastGood.length) {
      throw new IllegalArgumentException(
          "expected " + lastGood.length + " parameters, got " + theta.length);
    }
    System.arraycopy(theta, 0, lastGood, 0, theta.length);
    lastGoodIteration = iteration;
  }

  public boolean hasLastGood() {
    return lastGoodIteration >= 0;
  }

  /** Iteration passed to the last {@link #rememberGood}, or −1. */
  public long lastGoodIteration() {
    return lastGoodIteration;
  }

  /** Copies the last known-good parameters back into {@code theta}. */
  public void restoreLastGood(double[] theta) {
    if (!hasLastGood()) {
      throw new IllegalStateException("divergence guard: no known-good parameters remembered");
    }
    if (theta.length != lastGood.length) {
      throw new IllegalArgumentException(
          "expected " + lastGood.length + " parameters, got " + theta.length);
    }
    System.arraycopy(lastGood, 0, theta, 0, theta.length);
  }
}
