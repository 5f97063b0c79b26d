package polyak.spark.ml;

import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import polyak.io.SavedModel;
import polyak.nn.Inference;

/**
 * A trained polyak classifier as a Spark ML Transformer: appends the raw scores
 * (log-probabilities), the class probabilities and the predicted class. Transform, broadcast and
 * persistence are {@link PolyakModel}'s.
 */
public final class PolyakClassificationModel extends PolyakModel<PolyakClassificationModel> {
  private static final long serialVersionUID = 1L;

  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;

  PolyakClassificationModel(String uid, SavedModel model, PolyakTrainingSummary summary) {
    super(uid, model, summary);
    probabilityCol =
        new Param<>(this, "probabilityCol", "column of the class probabilities; empty for none");
    rawPredictionCol =
        new Param<>(
            this,
            "rawPredictionCol",
            "column of the raw scores (log-probabilities); empty for none");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }

  public PolyakClassificationModel setProbabilityCol(String v) {
    set(probabilityCol, v);
    return this;
  }

  public PolyakClassificationModel setRawPredictionCol(String v) {
    set(rawPredictionCol, v);
    return this;
  }

  public int numClasses() {
    return savedModel().spec().outputWidth();
  }

  @Override
  PolyakClassificationModel newModel(String uid, SavedModel model, PolyakTrainingSummary summary) {
    return new PolyakClassificationModel(uid, model, summary);
  }

  @Override
  StructType withOutputs(StructType schema) {
    return Columns.withOutputs(
        schema,
        getOrDefault(rawPredictionCol),
        getOrDefault(probabilityCol),
        getOrDefault(predictionCol()));
  }

  @Override
  ScoreColumns scoreColumns() {
    return new ClassScores(
        !getOrDefault(rawPredictionCol).isEmpty(),
        !getOrDefault(probabilityCol).isEmpty(),
        !getOrDefault(predictionCol()).isEmpty());
  }

  public static MLReader<PolyakClassificationModel> read() {
    return new Reader<>(
        PolyakClassificationModel.class,
        (uid, model) -> new PolyakClassificationModel(uid, model, null));
  }

  public static PolyakClassificationModel load(String path) {
    return read().load(path);
  }

  /**
   * Log-probabilities, probabilities (the network's outputs) and the predicted class, each when
   * wanted.
   */
  record ClassScores(boolean raw, boolean probability, boolean prediction) implements ScoreColumns {
    @Override
    public int count() {
      return (raw ? 1 : 0) + (probability ? 1 : 0) + (prediction ? 1 : 0);
    }

    @Override
    public void put(double[] outputs, int offset, int width, Object[] values, int at) {
      double[] p = java.util.Arrays.copyOfRange(outputs, offset, offset + width);
      if (raw) {
        double[] logs = new double[width];
        for (int k = 0; k < width; k++) {
          logs[k] = Math.log(p[k]);
        }
        values[at++] = Vectors.dense(logs);
      }
      if (probability) {
        values[at++] = Vectors.dense(p);
      }
      if (prediction) {
        values[at] = (double) Inference.argmax(p, 0, width);
      }
    }
  }
}
