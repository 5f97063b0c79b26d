package polyak.nn;

import polyak.data.Dataset;

/**
 * Inference over a whole data set in chunks of {@link #CHUNK} rows — the one path that validation
 * during training, {@code evaluate} and {@code predict} (in this JVM or on executors) all take.
 */
public final class Inference {
  /** Rows per inference chunk: bounds the inference buffers. */
  public static final int CHUNK = 1024;

  private Inference() {}

  /** Receives one chunk's predictions: rows from..from+count of {@code data}, row-major in {@code outputs}. */
  public interface Predictions {
    void accept(Dataset data, int from, int count, double[] outputs);
  }

  /** Inference-mode loss sum and correct count over all of {@code data} (empty for null data). */
  public static BatchResult evaluate(Network network, double[] params, double[] normState, Dataset data) {
    return run(network, params, normState, data, true, null);
  }

  /**
   * Goes through {@code data} chunk by chunk: when {@code score} is set, sums each chunk's loss and
   * correct count; when {@code predictions} is not null, hands it each chunk's predictions.
   */
  public static BatchResult run(Network network, double[] params, double[] normState, Dataset data, boolean score,
      Predictions predictions) {
    if (data == null) {
      return BatchResult.EMPTY;
    }
    double[] outputs = predictions == null ? null : new double[Math.min(CHUNK, data.rows()) * network.spec().outputWidth()];
    BatchResult total = BatchResult.EMPTY;
    for (int from = 0; from < data.rows(); from += CHUNK) {
      int n = Math.min(CHUNK, data.rows() - from);
      if (score) {
        total = total.plus(network.evaluate(params, normState, data, from, n));
      }
      if (predictions != null) {
        network.predict(params, normState, data, from, n, outputs);
        predictions.accept(data, from, n, outputs);
      }
    }
    return total;
  }

  /** The index of the largest of {@code v[offset .. offset+n)}, the first on ties: the predicted class. */
  public static int argmax(double[] v, int offset, int n) {
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (v[offset + j] > v[offset + best]) {
        best = j;
      }
    }
    return best;
  }
}
