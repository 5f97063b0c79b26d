package polyak.spark.ml;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import polyak.io.SavedModel;
import polyak.spark.data.DataSource;
import polyak.spec.NetworkSpec;

/**
 * Spark ML Estimator for polyak's regression (loss mse by default, or l1): the label column holds a
 * real-valued target and the network has one output, so the prediction is a Double, as in Spark
 * ML's regressors. A network with several outputs is refused (Spark ML's label and prediction
 * columns are single numbers). Params and {@code fit} (which runs {@code polyak train}'s own job on
 * the rows, as {@code data.classes = 0}) are {@link PolyakEstimator}'s.
 */
public final class PolyakRegressor extends PolyakEstimator<PolyakRegressionModel, PolyakRegressor> {
  private static final long serialVersionUID = 1L;

  public PolyakRegressor() {
    this(Identifiable$.MODULE$.randomUID("polyakRegressor"));
  }

  public PolyakRegressor(String uid) {
    super(uid, "a real-valued target", "the last layer must have width 1, e.g. \"dense 1\"");
  }

  @Override
  String configDefaults() {
    return "data.scaling = none\nnetwork.loss = mse\n";
  }

  @Override
  int classes(NetworkSpec network) {
    if (network.loss().classification()) {
      throw new IllegalArgumentException(
          "PolyakRegressor: network.loss = "
              + network.loss().text()
              + " is a classification loss; use mse or l1 (or PolyakClassifier)");
    }
    if (network.outputWidth() != 1) {
      throw new IllegalArgumentException(
          "PolyakRegressor predicts one value per row: the last layer must have"
              + " width 1 (e.g. \"dense 1\"), got output width "
              + network.outputWidth());
    }
    return DataSource.REAL_TARGETS;
  }

  @Override
  void checkLabel(StructType schema, String column) {
    Columns.requireNumeric(schema, column, "labelCol", "a real-valued target");
  }

  @Override
  StructType withOutputs(StructType schema) {
    return Columns.withOutputs(schema, "", "", getPredictionCol());
  }

  @Override
  PolyakRegressionModel newModel(SavedModel model, PolyakTrainingSummary summary) {
    return new PolyakRegressionModel(uid(), model, summary);
  }

  @Override
  public PolyakRegressor copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<PolyakRegressor> read() {
    return new DefaultParamsReader<>();
  }

  public static PolyakRegressor load(String path) {
    return read().load(path);
  }
}
