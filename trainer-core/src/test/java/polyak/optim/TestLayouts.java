package polyak.optim;

import polyak.nn.ParameterKind;
import polyak.nn.ParameterLayout;

/** Small parameter layouts used across the optimizer tests. */
final class TestLayouts {
  private TestLayouts() {}

  /** One layer: weights w (1 × 2) then bias b (1 × 1). */
  static ParameterLayout weightsAndBias() {
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("dense1.weight", 1, ParameterKind.WEIGHT, 1, 2);
    b.add("dense1.bias", 1, ParameterKind.BIAS, 1, 1);
    return b.build();
  }

  /**
   * Two dense layers with a normalisation layer between: every segment kind, 6 + 3 + 3 + 3 + 3 + 1
   * = 19 values (dense1.weight at 0–5, dense1.bias 6–8, norm1.gamma 9–11, norm1.beta 12–14,
   * dense2.weight 15–17, dense2.bias 18).
   */
  static ParameterLayout network() {
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("dense1.weight", 1, ParameterKind.WEIGHT, 2, 3);
    b.add("dense1.bias", 1, ParameterKind.BIAS, 1, 3);
    b.add("norm1.gamma", 1, ParameterKind.NORM_SCALE, 1, 3);
    b.add("norm1.beta", 1, ParameterKind.NORM_SHIFT, 1, 3);
    b.add("dense2.weight", 2, ParameterKind.WEIGHT, 3, 1);
    b.add("dense2.bias", 2, ParameterKind.BIAS, 1, 1);
    return b.build();
  }

  /** A single WEIGHT segment of n values followed by a BIAS segment of m values. */
  static ParameterLayout flat(int n, int m) {
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("dense1.weight", 1, ParameterKind.WEIGHT, 1, n);
    if (m > 0) {
      b.add("dense1.bias", 1, ParameterKind.BIAS, 1, m);
    }
    return b.build();
  }
}
