package polyak.spark.ml;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import polyak.data.Dataset;
import polyak.data.Preprocessor;
import polyak.nn.BatchResult;
import polyak.nn.Inference;
import polyak.spark.train.ModelBroadcast;
import polyak.spark.train.ShardInference;
import polyak.spec.NetworkSpec;

/**
 * Executor side of {@link PolyakModel#transform}: reads up to {@link Inference#CHUNK} rows at a
 * time into one dense block, runs it (the model's preprocessing first) through the executors' one
 * inference path — {@link ShardInference}, with the driver's dense kernel — and emits each input
 * row with the model's {@link ScoreColumns} appended. Lazy, so a partition is never held whole and
 * streaming queries work.
 */
final class BatchScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  static final int CHUNK = Inference.CHUNK;

  private final ChunkInference inference;
  private final byte[] preprocessor;
  private final int width;
  private final int outputs;
  private final int featureIndex;
  private final String featuresCol;
  private final ScoreColumns columns;

  /**
   * @param kernel the driver's dense kernel ({@code DenseKernels.name()} on the driver)
   * @param preprocessor the model's preprocessor in its binary form, or null
   */
  BatchScorer(
      Broadcast<ModelBroadcast> model,
      NetworkSpec spec,
      String kernel,
      byte[] preprocessor,
      int featureIndex,
      String featuresCol,
      ScoreColumns columns) {
    this.inference = new ChunkInference(model, spec.text(), kernel);
    this.preprocessor = preprocessor;
    this.width = spec.inputWidth();
    this.outputs = spec.outputWidth();
    this.featureIndex = featureIndex;
    this.featuresCol = featuresCol;
    this.columns = columns;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) throws IOException {
    Preprocessor pre =
        preprocessor == null
            ? null
            : Preprocessor.read(
                new DataInputStream(new ByteArrayInputStream(preprocessor)), "model preprocessor");
    return new Iterator<>() {
      private final List<Row> pending = new ArrayList<>(CHUNK);
      private final double[] features = new double[CHUNK * width];
      private double[] out;
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
          copy(row, pending.size());
          pending.add(row);
        }
        if (pending.isEmpty()) {
          return false;
        }
        int n = pending.size();
        // the labels are placeholders: inference without scoring never reads them
        Dataset block =
            Dataset.classification(
                "column '" + featuresCol + "'",
                width,
                Arrays.copyOf(features, n * width),
                new int[n],
                outputs,
                0);
        if (pre != null) {
          block = pre.apply(block);
        }
        out = inference.call(List.of(block).iterator()).next();
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int i = next++;
        Row row = pending.get(i);
        Object[] values = new Object[row.size() + columns.count()];
        for (int j = 0; j < row.size(); j++) {
          values[j] = row.get(j);
        }
        columns.put(out, i * outputs, outputs, values, row.size());
        return RowFactory.create(values);
      }

      private void copy(Row row, int slot) {
        if (row.isNullAt(featureIndex)) {
          throw new IllegalArgumentException("featuresCol '" + featuresCol + "': null vector");
        }
        Vector v = (Vector) row.get(featureIndex);
        if (v.size() != width) {
          throw new IllegalArgumentException(
              "featuresCol '"
                  + featuresCol
                  + "': a vector of size "
                  + v.size()
                  + ", but the model's input width is "
                  + width);
        }
        int at = slot * width;
        Arrays.fill(features, at, at + width, 0.0);
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
      throw new IllegalArgumentException(
          "featuresCol '"
              + featuresCol
              + "', feature "
              + (feature + 1)
              + ": value "
              + v
              + " is not finite");
    }
    return v;
  }

  /** One block of rows through the shared executor inference path: its outputs, row-major. */
  static final class ChunkInference extends ShardInference<double[], ChunkOutputs> {
    ChunkInference(Broadcast<ModelBroadcast> model, String specText, String kernel) {
      super(model, specText, kernel, false);
    }

    @Override
    protected ChunkOutputs sink(int outputs) {
      return new ChunkOutputs(outputs);
    }

    @Override
    protected Iterator<double[]> result(BatchResult scored, ChunkOutputs sink) {
      return List.of(sink.values).iterator();
    }
  }

  /** Collects a block's outputs into one row-major array. */
  static final class ChunkOutputs implements Inference.Predictions {
    private final int width;
    private double[] values = new double[0];

    ChunkOutputs(int width) {
      this.width = width;
    }

    @Override
    public void accept(Dataset data, int from, int count, double[] outputs) {
      if (values.length != data.rows() * width) {
        values = new double[data.rows() * width];
      }
      System.arraycopy(outputs, 0, values, from * width, count * width);
    }
  }
}
