package polyak.train;

import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Inference;
import polyak.nn.Network;

/**
 * The fast gradient sign attack on a trained model: x' = x + ε·sign(∇ₓL(x)) with the inference-mode
 * loss of each example against its own label, in the network's input units (after the model's
 * preprocessing), without clipping to the input range.
 */
public final class Fgsm {
  private Fgsm() {}

  /** {@code data} with every row replaced by its FGSM example; labels and ids are kept. */
  public static Dataset attack(
      Network network, double[] params, double[] state, Dataset data, double epsilon) {
    int width = data.width();
    double[] x = data.features();
    double[] out = new double[x.length];
    double[] g = new double[Math.min(Inference.CHUNK, Math.max(1, data.rows())) * width];
    for (int from = 0; from < data.rows(); from += Inference.CHUNK) {
      int count = Math.min(Inference.CHUNK, data.rows() - from);
      network.inputGradient(params, state, data, from, count, g);
      int base = from * width;
      for (int j = 0; j < count * width; j++) {
        out[base + j] = x[base + j] + epsilon * Math.signum(g[j]);
      }
    }
    return data.withFeatures(out);
  }

  /** Inference loss and accuracy on the FGSM examples of {@code data}. */
  public static BatchResult evaluate(
      Network network, double[] params, double[] state, Dataset data, double epsilon) {
    return Inference.evaluate(
        network, params, state, attack(network, params, state, data, epsilon));
  }
}
