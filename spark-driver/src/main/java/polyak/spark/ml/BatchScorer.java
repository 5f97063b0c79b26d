package polyak.spark.ml;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import polyak.data.Dataset;
import polyak.data.Preprocessor;
import polyak.nn.Network;
import polyak.spark.train.ModelBroadcast;
import polyak.spec.SpecParser;

/**
 * Executor side of {@link PolyakClassificationModel#transform}: reads up to {@link #CHUNK} rows at a
 * time into one dense block, runs the network once over it (the model's preprocessing first) and
 * emits each input row with the raw scores, probabilities and predicted class appended. Lazy, so a
 * partition is never held whole and streaming queries work.
 */
final class BatchScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  static final int CHUNK = 1024;

  private final Broadcast<ModelBroadcast> model;
  private final String specText;
  private final byte[] preprocessor;
  private final int featureIndex;
  private final String featuresCol;
  private final boolean raw;
  private final boolean probability;
  private final boolean prediction;

  /** @param preprocessor the model's preprocessor in its binary form, or null */
  BatchScorer(Broadcast<ModelBroadcast> model, String specText, byte[] preprocessor, int featureIndex,
      String featuresCol, boolean raw, boolean probability, boolean prediction) {
    this.model = model;
    this.specText = specText;
    this.preprocessor = preprocessor;
    this.featureIndex = featureIndex;
    this.featuresCol = featuresCol;
    this.raw = raw;
    this.probability = probability;
    this.prediction = prediction;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) throws IOException {
    Network network = Network.build(SpecParser.network("model spec", specText));
    Preprocessor pre = preprocessor == null ? null
        : Preprocessor.read(new DataInputStream(new ByteArrayInputStream(preprocessor)), "model preprocessor");
    ModelBroadcast m = model.value();
    int width = network.spec().inputWidth();
    int classes = network.spec().outputWidth();
    return new Iterator<>() {
      private final List<Row> pending = new ArrayList<>(CHUNK);
      private final double[] features = new double[CHUNK * width];
      private final double[] out = new double[CHUNK * classes];
      private int next;

      @Override
      public boolean hasNext() {
        if (next < pending.size()) {
          return true;
        }
        pending.clear();
        next = 0;
        while (pending.size() < CHUNK && rows.hasNext()) {
          Row row = rows.next();
          copy(row, pending.size(), width);
          pending.add(row);
        }
        if (pending.isEmpty()) {
          return false;
        }
        int n = pending.size();
        Dataset block = Dataset.classification("column '" + featuresCol + "'", width,
            java.util.Arrays.copyOf(features, n * width), new int[n], classes, 0);
        if (pre != null) {
          block = pre.apply(block);
        }
        // the shared inference path: a single model or an ensemble's mean distribution
        polyak.nn.Inference.run(network, m.params(), m.normState(), block, false,
            (d, from, count, y) -> System.arraycopy(y, 0, out, from * classes, count * classes));
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int i = next++;
        Row row = pending.get(i);
        Object[] values = new Object[row.size() + (raw ? 1 : 0) + (probability ? 1 : 0) + (prediction ? 1 : 0)];
        for (int j = 0; j < row.size(); j++) {
          values[j] = row.get(j);
        }
        int at = row.size();
        double[] p = java.util.Arrays.copyOfRange(out, i * classes, (i + 1) * classes);
        if (raw) {
          double[] logs = new double[classes];
          for (int k = 0; k < classes; k++) {
            logs[k] = Math.log(p[k]);
          }
          values[at++] = Vectors.dense(logs);
        }
        if (probability) {
          values[at++] = Vectors.dense(p);
        }
        if (prediction) {
          values[at] = (double) argmax(p);
        }
        return RowFactory.create(values);
      }

      private void copy(Row row, int slot, int width) {
        if (row.isNullAt(featureIndex)) {
          throw new IllegalArgumentException("featuresCol '" + featuresCol + "': null vector");
        }
        Vector v = (Vector) row.get(featureIndex);
        if (v.size() != width) {
          throw new IllegalArgumentException("featuresCol '" + featuresCol + "': a vector of size " + v.size()
              + ", but the model's input width is " + width);
        }
        int at = slot * width;
        java.util.Arrays.fill(features, at, at + width, 0.0);
        if (v instanceof SparseVector s) {
          int[] idx = s.indices();
          double[] val = s.values();
          for (int j = 0; j < idx.length; j++) {
            features[at + idx[j]] = finite(val[j], idx[j]);
          }
        } else {
          double[] val = v.toArray();
          for (int j = 0; j < width; j++) {
            features[at + j] = finite(val[j], j);
          }
        }
      }
    };
  }

  private double finite(double v, int feature) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("featuresCol '" + featuresCol + "', feature " + (feature + 1) + ": value "
          + v + " is not finite");
    }
    return v;
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int j = 1; j < v.length; j++) {
      if (v[j] > v[best]) {
        best = j;
      }
    }
    return best;
  }
}
