package polyak.spark.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import polyak.io.SavedModel;
import polyak.spec.NetworkSpec;

/**
 * Spark ML Estimator for polyak's classifier (softmax cross-entropy by default): the label column
 * holds class indices 0 .. classes-1, the network's last width is the number of classes. Params and
 * {@code fit} (which runs {@code polyak train}'s own job) are {@link PolyakEstimator}'s.
 */
public final class PolyakClassifier
    extends PolyakEstimator<PolyakClassificationModel, PolyakClassifier> {
  private static final long serialVersionUID = 1L;

  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;

  public PolyakClassifier() {
    this(Identifiable$.MODULE$.randomUID("polyakClassifier"));
  }

  public PolyakClassifier(String uid) {
    super(uid, "class index 0 .. classes-1", "the last width is the number of classes");
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

  public PolyakClassifier setProbabilityCol(String v) {
    return with(probabilityCol, v);
  }

  public PolyakClassifier setRawPredictionCol(String v) {
    return with(rawPredictionCol, v);
  }

  @Override
  String configDefaults() {
    return "data.scaling = none\n";
  }

  @Override
  int classes(NetworkSpec network) {
    return network.outputWidth();
  }

  @Override
  void checkLabel(StructType schema, String column) {
    Columns.requireNumeric(schema, column, "labelCol", "the class index 0 .. classes-1");
  }

  @Override
  StructType withOutputs(StructType schema) {
    return Columns.withOutputs(
        schema, getOrDefault(rawPredictionCol), getOrDefault(probabilityCol), getPredictionCol());
  }

  @Override
  PolyakClassificationModel newModel(SavedModel model, PolyakTrainingSummary summary) {
    return new PolyakClassificationModel(uid(), model, summary);
  }

  @Override
  public PolyakClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<PolyakClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static PolyakClassifier load(String path) {
    return read().load(path);
  }
}
