package polyak.optim;

import java.util.List;
import polyak.nn.ParameterKind;
import polyak.nn.ParameterLayout;
import polyak.nn.ParameterSegment;

/**
 * Max-norm constraint on the incoming weights of each unit: after a step, every column j of every
 * WEIGHT segment (rows × cols, row-major) with ‖w_j‖ > c is scaled back to norm c.
 */
public final class MaxNormConstraint {
  private final double maxNorm;
  private final int size;
  private final int[] offsets;
  private final int[] rows;
  private final int[] cols;
  private final double[] columnSquares;

  public MaxNormConstraint(ParameterLayout layout, double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("max norm must be finite and > 0, got " + maxNorm);
    }
    this.maxNorm = maxNorm;
    this.size = layout.size();
    List<ParameterSegment> weights =
        layout.segments().stream().filter(s -> s.kind() == ParameterKind.WEIGHT).toList();
    offsets = new int[weights.size()];
    rows = new int[weights.size()];
    cols = new int[weights.size()];
    int widest = 0;
    for (int k = 0; k < weights.size(); k++) {
      offsets[k] = weights.get(k).offset();
      rows[k] = weights.get(k).rows();
      cols[k] = weights.get(k).cols();
      widest = Math.max(widest, cols[k]);
    }
    columnSquares = new double[widest];
  }

  /** Re-projects {@code theta} in place; returns how many columns were scaled down. */
  public int apply(double[] theta) {
    if (theta.length != size) {
      throw new IllegalArgumentException(
          "max-norm: expected " + size + " parameters, got " + theta.length);
    }
    int scaled = 0;
    double[] sq = columnSquares;
    double limitSquared = maxNorm * maxNorm;
    for (int k = 0; k < offsets.length; k++) {
      int base = offsets[k];
      int n = cols[k];
      java.util.Arrays.fill(sq, 0, n, 0.0);
      // Row-major walk, accumulating all column norms at once, keeps memory access sequential.
      for (int r = 0, i = base; r < rows[k]; r++) {
        for (int j = 0; j < n; j++, i++) {
          sq[j] += theta[i] * theta[i];
        }
      }
      for (int j = 0; j < n; j++) {
        if (sq[j] > limitSquared) {
          sq[j] = maxNorm / Math.sqrt(sq[j]);
          scaled++;
        } else {
          sq[j] = 1.0;
        }
      }
      for (int r = 0, i = base; r < rows[k]; r++) {
        for (int j = 0; j < n; j++, i++) {
          theta[i] *= sq[j];
        }
      }
    }
    return scaled;
  }
}
