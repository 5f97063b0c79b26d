package polyak.spark.ml;

import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import polyak.io.SavedModel;

/**
 * A trained polyak regression network (one output) as a Spark ML Transformer: appends the predicted
 * value as a Double. Transform, broadcast and persistence are {@link PolyakModel}'s.
 */
public final class PolyakRegressionModel extends PolyakModel<PolyakRegressionModel> {
  private static final long serialVersionUID = 1L;

  PolyakRegressionModel(String uid, SavedModel model, PolyakTrainingSummary summary) {
    super(uid, model, summary);
    if (model.spec().outputWidth() != 1) {
      throw new IllegalArgumentException(
          "a PolyakRegressionModel predicts one value per row, but the network has "
              + model.spec().outputWidth()
              + " outputs");
    }
  }

  @Override
  PolyakRegressionModel newModel(String uid, SavedModel model, PolyakTrainingSummary summary) {
    return new PolyakRegressionModel(uid, model, summary);
  }

  @Override
  StructType withOutputs(StructType schema) {
    return Columns.withOutputs(schema, "", "", getOrDefault(predictionCol()));
  }

  @Override
  ScoreColumns scoreColumns() {
    return new Value(!getOrDefault(predictionCol()).isEmpty());
  }

  public static MLReader<PolyakRegressionModel> read() {
    return new Reader<>(
        PolyakRegressionModel.class, (uid, model) -> new PolyakRegressionModel(uid, model, null));
  }

  public static PolyakRegressionModel load(String path) {
    return read().load(path);
  }

  /** The network's single output as the prediction column, when wanted. */
  record Value(boolean wanted) implements ScoreColumns {
    @Override
    public int count() {
      return wanted ? 1 : 0;
    }

    @Override
    public void put(double[] outputs, int offset, int width, Object[] values, int at) {
      if (wanted) {
        values[at] = outputs[offset];
      }
    }
  }
}
