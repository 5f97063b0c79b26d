package polyak.train;

import java.util.Arrays;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.util.Seeds;

/**
 * The gradient of one partition's share of a minibatch under an {@link AdversarialSpec}: the one
 * code path that both {@link LocalGradientSource} and the Spark executors run, so FGSM examples and
 * the gradient penalty come out bit for bit the same in both. With the spec inactive it is exactly
 * {@link Network#gradient}. Holds work buffers: one per network, not thread-safe.
 */
public final class AdversarialGradient {
  private static final long FGSM_STREAM = 0xF65L;

  private final Network network;
  private final AdversarialSpec spec;
  private double[] shift = new double[0];
  private double[] inputGrad = new double[0];
  private double[] clean = new double[0];
  private double[] stepped = new double[0];

  public AdversarialGradient(Network network, AdversarialSpec spec) {
    this.network = network;
    this.spec = spec;
  }

  /**
   * Adds the gradient of the (adversarial, penalised) loss sum of rows {@code rows[from ..
   * from+count)} (or the contiguous rows when {@code rows} is null) into {@code grad}, batch-norm
   * sums into {@code batchStats}; returns the loss sum (with the penalty) and the correct count of
   * the batch trained on.
   */
  public BatchResult gradient(
      double[] params,
      double[] state,
      Dataset data,
      int[] rows,
      int from,
      int count,
      long passSeed,
      double[] grad,
      double[] batchStats) {
    if (!spec.active()) {
      return network.gradient(params, state, data, rows, from, count, passSeed, grad, batchStats);
    }
    int width = data.width();
    int n = count * width;
    ensureBuffers(n, params.length);
    double[] inputShift = null;
    if (spec.fgsm()) {
      // ∇ₓL of the clean batch in the same training pass (same dropout masks); its θ-gradient is
      // dropped
      Arrays.fill(clean, 0.0);
      network.gradient(
          params, state, data, rows, from, count, passSeed, clean, null, null, inputGrad);
      Arrays.fill(shift, 0, n, 0.0);
      for (int i = 0; i < count; i++) {
        long key = data.baseId() + (rows == null ? from + i : rows[from + i]);
        if (attacked(passSeed, key, spec.fgsmFraction())) {
          for (int j = i * width; j < (i + 1) * width; j++) {
            shift[j] = spec.fgsmEpsilon() * Math.signum(inputGrad[j]);
          }
        }
      }
      inputShift = shift;
    }
    if (!spec.penalty()) {
      return network.gradient(
          params, state, data, rows, from, count, passSeed, grad, batchStats, inputShift, null);
    }
    Arrays.fill(clean, 0.0);
    BatchResult r =
        network.gradient(
            params,
            state,
            data,
            rows,
            from,
            count,
            passSeed,
            clean,
            batchStats,
            inputShift,
            inputGrad);
    double h = spec.penaltyStep();
    double squares = 0;
    for (int j = 0; j < n; j++) {
      squares += inputGrad[j] * inputGrad[j];
      // reuse the input-gradient buffer as the shifted input x (+ δ) + h·∇ₓL
      inputGrad[j] = (inputShift == null ? 0.0 : inputShift[j]) + h * inputGrad[j];
    }
    Arrays.fill(stepped, 0.0);
    network.gradient(
        params, state, data, rows, from, count, passSeed, stepped, null, inputGrad, null);
    double c = 2 * spec.gradientPenalty() / h;
    for (int k = 0; k < grad.length; k++) {
      grad[k] += clean[k] + c * (stepped[k] - clean[k]);
    }
    return new BatchResult(r.lossSum() + spec.gradientPenalty() * squares, r.correct(), r.count());
  }

  /**
   * Whether the example with global id {@code key} is replaced by its FGSM example in this pass.
   */
  static boolean attacked(long passSeed, long key, double fraction) {
    return (Seeds.derive(passSeed, FGSM_STREAM, key) >>> 11) * 0x1.0p-53 < fraction;
  }

  private void ensureBuffers(int n, int params) {
    if (shift.length < n) {
      shift = new double[n];
      inputGrad = new double[n];
    }
    if (clean.length != params) {
      clean = new double[params];
      stepped = new double[params];
    }
  }
}
