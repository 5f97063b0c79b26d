package polyak.spark.ml;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.spark.io.AtomicWrite;
import polyak.spark.run.ModelLoader;
import polyak.spark.train.ModelBroadcast;

/**
 * A trained polyak classifier as a Spark ML Transformer: appends the raw scores (log-probabilities),
 * the class probabilities and the predicted class. The model is broadcast once per model object and
 * scored in executor-side blocks of up to 1024 rows. Saved as Spark's JSON metadata plus the weights
 * in polyak's own model file ({@code data/model.polyak}), the same file {@code polyak evaluate} and
 * {@code polyak predict} read.
 */
public final class PolyakClassificationModel extends Model<PolyakClassificationModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  static final String MODEL_FILE = "data/model.polyak";

  private final String uid;
  private final transient SavedModel model;
  private final transient PolyakTrainingSummary summary;
  private transient Broadcast<ModelBroadcast> broadcast;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;

  PolyakClassificationModel(String uid, SavedModel model, PolyakTrainingSummary summary) {
    this.uid = uid;
    this.model = model;
    this.summary = summary;
    featuresCol = new Param<>(this, "featuresCol", "features column name (a Vector column)");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    probabilityCol = new Param<>(this, "probabilityCol", "column of the class probabilities; empty for none");
    rawPredictionCol = new Param<>(this, "rawPredictionCol",
        "column of the raw scores (log-probabilities); empty for none");
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }

  public PolyakClassificationModel setFeaturesCol(String v) {
    set(featuresCol, v);
    return this;
  }

  public PolyakClassificationModel setPredictionCol(String v) {
    set(predictionCol, v);
    return this;
  }

  public PolyakClassificationModel setProbabilityCol(String v) {
    set(probabilityCol, v);
    return this;
  }

  public PolyakClassificationModel setRawPredictionCol(String v) {
    set(rawPredictionCol, v);
    return this;
  }

  /** The network, its parameters, preprocessing and provenance, as polyak's CLI saves them. */
  public SavedModel savedModel() {
    return model;
  }

  public int numClasses() {
    return model.spec().outputWidth();
  }

  public int numFeatures() {
    return model.spec().inputWidth();
  }

  /** Whether this model came from {@code fit} in this session (a loaded model has no summary, as in MLlib). */
  public boolean hasSummary() {
    return summary != null;
  }

  public PolyakTrainingSummary summary() {
    if (summary == null) {
      throw new IllegalStateException("no training summary: this model was loaded, not fitted in this session");
    }
    return summary;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    Columns.requireVector(schema, getOrDefault(featuresCol), "featuresCol");
    return Columns.withOutputs(schema, getOrDefault(rawPredictionCol), getOrDefault(probabilityCol),
        getOrDefault(predictionCol));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    String features = getOrDefault(featuresCol);
    BatchScorer scorer = new BatchScorer(broadcast(dataset.sparkSession()), model.spec().text(), preprocessorBytes(),
        dataset.schema().fieldIndex(features), features, !getOrDefault(rawPredictionCol).isEmpty(),
        !getOrDefault(probabilityCol).isEmpty(), !getOrDefault(predictionCol).isEmpty());
    return dataset.toDF().mapPartitions(scorer, Encoders.row(out));
  }

  private synchronized Broadcast<ModelBroadcast> broadcast(SparkSession spark) {
    if (broadcast == null) {
      broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .broadcast(new ModelBroadcast(model.params(), model.state()));
    }
    return broadcast;
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

  @Override
  public PolyakClassificationModel copy(ParamMap extra) {
    PolyakClassificationModel copied = new PolyakClassificationModel(uid, model, summary);
    return copyValues(copied, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  public static MLReader<PolyakClassificationModel> read() {
    return new Reader();
  }

  public static PolyakClassificationModel load(String path) {
    return read().load(path);
  }

  /** Spark's metadata JSON ({@code metadata/}) and the weights in polyak's model format ({@code data/model.polyak}). */
  private static final class Writer extends MLWriter {
    private final PolyakClassificationModel instance;

    Writer(PolyakClassificationModel instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
      Configuration hadoop = sparkSession().sparkContext().hadoopConfiguration();
      try {
        AtomicWrite.write(path + "/" + MODEL_FILE, hadoop, out -> ModelFile.write(instance.model, out));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + path + "/" + MODEL_FILE + ": " + e.getMessage(), e);
      }
    }
  }

  private static final class Reader extends MLReader<PolyakClassificationModel> {
    @Override
    public PolyakClassificationModel load(String path) {
      DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
          PolyakClassificationModel.class.getName());
      SavedModel saved;
      try {
        saved = ModelLoader.load(path + "/" + MODEL_FILE, sparkSession().sparkContext().hadoopConfiguration());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path + "/" + MODEL_FILE + ": " + e.getMessage(), e);
      }
      PolyakClassificationModel model = new PolyakClassificationModel(metadata.uid(), saved, null);
      metadata.getAndSetParams(model, scala.Option.empty());
      return model;
    }
  }
}
