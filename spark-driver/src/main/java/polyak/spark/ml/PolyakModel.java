package polyak.spark.ml;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.nn.kernel.DenseKernels;
import polyak.spark.io.AtomicWrite;
import polyak.spark.run.ModelLoader;

/**
 * What polyak's Spark ML models share: the saved model, transform through the executors' one
 * inference path ({@link BatchScorer}: the driver's dense kernel, chunks of 1024 rows), the
 * parameters broadcast once per model object ({@link SharedBroadcast}), and persistence as Spark's
 * JSON metadata plus the weights in polyak's own model file ({@code data/model.polyak}), the file
 * {@code polyak evaluate} and {@code polyak predict} read. Subclasses say which columns they
 * append.
 *
 * @param <M> the concrete model
 */
public abstract class PolyakModel<M extends PolyakModel<M>> extends Model<M> implements MLWritable {
  private static final long serialVersionUID = 1L;
  static final String MODEL_FILE = "data/model.polyak";

  private final String uid;
  private final transient SavedModel model;
  private final transient PolyakTrainingSummary summary;
  private transient SharedBroadcast broadcast;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;

  protected PolyakModel(String uid, SavedModel model, PolyakTrainingSummary summary) {
    this.uid = uid;
    this.model = model;
    this.summary = summary;
    this.broadcast = new SharedBroadcast(model);
    featuresCol = new Param<>(this, "featuresCol", "features column name (a Vector column)");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
  }

  @Override
  public final String uid() {
    return uid;
  }

  /** A model of this class for {@code copy} and the reader. */
  abstract M newModel(String uid, SavedModel model, PolyakTrainingSummary summary);

  /** {@code schema} with this model's output columns. */
  abstract StructType withOutputs(StructType schema);

  /** The output columns in the order {@link #withOutputs} appends them. */
  abstract ScoreColumns scoreColumns();

  @SuppressWarnings("unchecked")
  private M self() {
    return (M) this;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public M setFeaturesCol(String v) {
    set(featuresCol, v);
    return self();
  }

  public M setPredictionCol(String v) {
    set(predictionCol, v);
    return self();
  }

  /** The network, its parameters, preprocessing and provenance, as polyak's CLI saves them. */
  public SavedModel savedModel() {
    return model;
  }

  public int numFeatures() {
    return model.spec().inputWidth();
  }

  /**
   * Whether this model came from {@code fit} in this session (a loaded model has no summary, as in
   * MLlib).
   */
  public boolean hasSummary() {
    return summary != null;
  }

  public PolyakTrainingSummary summary() {
    if (summary == null) {
      throw new IllegalStateException(
          "no training summary: this model was loaded, not fitted in this session");
    }
    return summary;
  }

  /**
   * Lets the executors drop their copies of the broadcast parameters now rather than when this
   * model is garbage collected. Safe at any time: a DataFrame already transformed fetches them
   * again.
   */
  public void unpersistBroadcast() {
    broadcast.unpersist();
  }

  /**
   * Frees the broadcast parameters on the driver too. DataFrames this model (or a copy) transformed
   * before can then no longer be computed; a later {@code transform} broadcasts afresh.
   */
  public void destroyBroadcast() {
    broadcast.destroy();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    Columns.requireVector(schema, getOrDefault(featuresCol), "featuresCol");
    return withOutputs(schema);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    String features = getOrDefault(featuresCol);
    BatchScorer scorer =
        new BatchScorer(
            broadcast.get(dataset.sparkSession().sparkContext()),
            model.spec(),
            DenseKernels.name(),
            preprocessorBytes(),
            dataset.schema().fieldIndex(features),
            features,
            scoreColumns());
    return dataset.toDF().mapPartitions(scorer, Encoders.row(out));
  }

  private byte[] preprocessorBytes() {
    if (model.preprocessor().isEmpty()) {
      return null;
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      model.preprocessor().get().write(new DataOutputStream(buf));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  /** A copy with the same parameters, summary and broadcast. */
  @Override
  public M copy(ParamMap extra) {
    M copied = newModel(uid, model, summary);
    ((PolyakModel<M>) copied).broadcast = broadcast;
    return copyValues(copied, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  /**
   * Spark's metadata JSON ({@code metadata/}) and the weights in polyak's model format ({@code
   * data/model.polyak}).
   */
  private static final class Writer extends MLWriter {
    private final PolyakModel<?> instance;

    Writer(PolyakModel<?> instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
      Configuration hadoop = sparkSession().sparkContext().hadoopConfiguration();
      try {
        AtomicWrite.write(
            path + "/" + MODEL_FILE, hadoop, out -> ModelFile.write(instance.model, out));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot write " + path + "/" + MODEL_FILE + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Reads what {@link Writer} wrote into a model made by {@code factory} (a loaded model has no
   * summary).
   */
  static final class Reader<M extends PolyakModel<M>> extends MLReader<M> {
    interface Factory<M> {
      M create(String uid, SavedModel model);
    }

    private final Class<M> type;
    private final Factory<M> factory;

    Reader(Class<M> type, Factory<M> factory) {
      this.type = type;
      this.factory = factory;
    }

    @Override
    public M load(String path) {
      DefaultParamsReader.Metadata metadata =
          DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
      SavedModel saved;
      try {
        saved =
            ModelLoader.load(
                path + "/" + MODEL_FILE, sparkSession().sparkContext().hadoopConfiguration());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read " + path + "/" + MODEL_FILE + ": " + e.getMessage(), e);
      }
      M model = factory.create(metadata.uid(), saved);
      metadata.getAndSetParams(model, scala.Option.empty());
      return model;
    }
  }
}
