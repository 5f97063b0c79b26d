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

  /**
   * Receives one chunk's predictions: rows from..from+count of {@code data}, row-major in {@code
   * outputs}.
   */
  public interface Predictions {
    void accept(Dataset data, int from, int count, double[] outputs);
  }

  /** Inference-mode loss sum and correct count over all of {@code data} (empty for null data). */
  public static BatchResult evaluate(
      Network network, double[] params, double[] normState, Dataset data) {
    return run(network, params, normState, data, true, null);
  }

  /**
   * Goes through {@code data} chunk by chunk: when {@code score} is set, sums each chunk's loss and
   * correct count; when {@code predictions} is not null, hands it each chunk's predictions.
   */
  public static BatchResult run(
      Network network,
      double[] params,
      double[] normState,
      Dataset data,
      boolean score,
      Predictions predictions) {
    if (data == null) {
      return BatchResult.EMPTY;
    }
    int members = members(network, params, normState);
    if (members > 1) {
      return runEnsemble(
          network, split(params, members), split(normState, members), data, score, predictions);
    }
    double[] outputs =
        predictions == null
            ? null
            : new double[Math.min(CHUNK, data.rows()) * network.spec().outputWidth()];
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

  /**
   * How many models {@code params} and {@code normState} hold for {@code network}: 1, or k for an
   * ensemble stored as its members' vectors one after another (as in an ensemble's model file).
   */
  public static int members(Network network, double[] params, double[] normState) {
    int p = network.parameterCount();
    int k = Math.max(1, params.length / Math.max(1, p));
    if (params.length != (long) k * p || normState.length != (long) k * network.stateSize()) {
      throw new IllegalArgumentException(
          params.length
              + " parameters and "
              + normState.length
              + " state values are not"
              + " k models of "
              + p
              + " and "
              + network.stateSize());
    }
    return k;
  }

  /**
   * The ensemble's prediction for rows from..from+count: the arithmetic mean of the members'
   * predictions (class distributions for softmax cross-entropy), summed in member order, row-major
   * into {@code out}; {@code scratch} holds at least {@code count * outputs} values.
   */
  public static void meanPrediction(
      Network network,
      double[][] params,
      double[][] states,
      Dataset data,
      int from,
      int count,
      double[] out,
      double[] scratch) {
    int n = count * network.spec().outputWidth();
    java.util.Arrays.fill(out, 0, n, 0.0);
    for (int m = 0; m < params.length; m++) {
      network.predict(params[m], states[m], data, from, count, scratch);
      for (int i = 0; i < n; i++) {
        out[i] += scratch[i];
      }
    }
    for (int i = 0; i < n; i++) {
      out[i] /= params.length;
    }
  }

  /**
   * An ensemble's inference: predictions are the members' mean distribution; the score counts its
   * arg max and sums the negative log of the probability it gives the label (classification only).
   */
  private static BatchResult runEnsemble(
      Network network,
      double[][] params,
      double[][] states,
      Dataset data,
      boolean score,
      Predictions predictions) {
    if (score && !data.isClassification()) {
      throw new IllegalArgumentException(data.source() + ": an ensemble scores class labels only");
    }
    int k = network.spec().outputWidth();
    double[] mean = new double[Math.min(CHUNK, data.rows()) * k];
    double[] scratch = new double[mean.length];
    BatchResult total = BatchResult.EMPTY;
    for (int from = 0; from < data.rows(); from += CHUNK) {
      int n = Math.min(CHUNK, data.rows() - from);
      meanPrediction(network, params, states, data, from, n, mean, scratch);
      if (score) {
        double loss = 0;
        long correct = 0;
        for (int i = 0; i < n; i++) {
          int label = data.labels()[from + i];
          loss -= Math.log(mean[i * k + label]);
          correct += argmax(mean, i * k, k) == label ? 1 : 0;
        }
        total = total.plus(new BatchResult(loss, correct, n));
      }
      if (predictions != null) {
        predictions.accept(data, from, n, mean);
      }
    }
    return total;
  }

  /** {@code v} cut into {@code k} equal consecutive parts. */
  public static double[][] split(double[] v, int k) {
    int len = v.length / k;
    double[][] parts = new double[k][];
    for (int m = 0; m < k; m++) {
      parts[m] = java.util.Arrays.copyOfRange(v, m * len, (m + 1) * len);
    }
    return parts;
  }

  /**
   * The index of the largest of {@code v[offset .. offset+n)}, the first on ties: the predicted
   * class.
   */
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
