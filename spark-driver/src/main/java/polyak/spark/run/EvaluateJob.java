package polyak.spark.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.io.SavedModel;
import polyak.nn.BatchResult;
import polyak.nn.Inference;
import polyak.nn.Network;
import polyak.nn.kernel.DenseKernels;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.LoadedData;
import polyak.spark.data.TrainingData;
import polyak.spark.train.ModelBroadcast;
import polyak.spark.train.ShardInference;
import polyak.train.Fgsm;

/**
 * {@code polyak evaluate}: a saved model's accuracy, loss and confusion matrix on the config's test
 * data, optionally under the FGSM attack ({@code --fgsm EPS}: every test example moved to x +
 * ε·sign(∇ₓL), ε in the network's input units, after the model's preprocessing; computed on the
 * executors).
 */
public final class EvaluateJob {
  private EvaluateJob() {}

  public static EvaluationCounts run(
      SparkSession spark, PolyakConfig config, String modelFile, PrintStream console)
      throws IOException {
    return run(spark, config, modelFile, 0.0, console);
  }

  /**
   * As {@link #run(SparkSession, PolyakConfig, String, PrintStream)}, on FGSM examples when
   * fgsmEpsilon > 0.
   */
  public static EvaluationCounts run(
      SparkSession spark,
      PolyakConfig config,
      String modelFile,
      double fgsmEpsilon,
      PrintStream console)
      throws IOException {
    return run(spark, config, modelFile, fgsmEpsilon, console, DenseKernels.name());
  }

  /** With the executors' dense kernel named: the driver's own unless a test forces another. */
  static EvaluationCounts run(
      SparkSession spark,
      PolyakConfig config,
      String modelFile,
      double fgsmEpsilon,
      PrintStream console,
      String kernel)
      throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SavedModel model = ModelLoader.load(modelFile, sc.hadoopConfiguration());
    if (fgsmEpsilon > 0 && model.provenance().containsKey(polyak.train.Ensemble.MEMBERS_KEY)) {
      throw new IllegalArgumentException(
          "--fgsm: "
              + modelFile
              + " is an ensemble of "
              + model.provenance().get(polyak.train.Ensemble.MEMBERS_KEY)
              + " members; the attack needs a single model");
    }
    if (config.test() == null) {
      throw new DataException("data.test: no test data configured to evaluate on");
    }
    LoadedData test = TrainingData.load(spark, config.test(), sc.defaultParallelism());
    if (model.preprocessor().isPresent()) {
      test = test.preprocessed(model.preprocessor().get());
    }
    test.checkCompatible(model.spec());
    if (fgsmEpsilon > 0 && test.isSparse()) {
      throw new DataException(
          test.description()
              + ": --fgsm needs the input gradient, which sparse rows do not have; load the rows"
              + " dense with data.sparse = false");
    }
    Broadcast<ModelBroadcast> b = sc.broadcast(new ModelBroadcast(model.params(), model.state()));
    int classes = model.spec().outputWidth();
    sc.setJobDescription("polyak evaluate " + modelFile);
    List<EvaluationCounts> parts =
        test.blocks()
            .mapPartitions(new Counts(b, model.spec().text(), kernel, fgsmEpsilon))
            .collect();
    b.destroy();
    EvaluationCounts total = EvaluationCounts.empty(classes);
    for (EvaluationCounts c : parts) {
      total = total.plus(c);
    }
    console.printf(
        "model %s on %s%s%n",
        modelFile,
        test.description(),
        fgsmEpsilon > 0
            ? String.format(java.util.Locale.ROOT, ", under FGSM attack (epsilon %s)", fgsmEpsilon)
            : "");
    if (test.classes() == polyak.spark.data.DataSource.REAL_TARGETS) {
      // regression: no classes to count (for mse the loss is ½(f − y)², so RMSE = √(2 · loss))
      console.printf("loss %.6f over %d rows%n", total.meanLoss(), total.count());
      return total;
    }
    console.printf(
        "accuracy %.4f (%d / %d), loss %.4f%n%n",
        total.accuracy(), total.correct(), total.count(), total.meanLoss());
    console.print(total.table());
    return total;
  }

  /**
   * Executor side: loss and confusion counts per partition, on FGSM examples when fgsmEpsilon > 0.
   */
  static final class Counts extends ShardInference<EvaluationCounts, Confusion> {
    private final double fgsmEpsilon;

    Counts(Broadcast<ModelBroadcast> model, String specText, String kernel, double fgsmEpsilon) {
      super(model, specText, kernel, true);
      this.fgsmEpsilon = fgsmEpsilon;
    }

    @Override
    protected Dataset input(Network network, ModelBroadcast m, Dataset block) {
      return fgsmEpsilon > 0
          ? Fgsm.attack(network, m.params(), m.normState(), block, fgsmEpsilon)
          : block;
    }

    @Override
    protected Confusion sink(int classes) {
      return new Confusion(classes, new long[classes * classes]);
    }

    @Override
    protected Iterator<EvaluationCounts> result(BatchResult scored, Confusion c) {
      return List.of(
              new EvaluationCounts(scored.lossSum(), scored.count(), c.classes(), c.counts()))
          .iterator();
    }
  }

  /** Counts (true class, predicted class) pairs: {@code counts[truth * classes + predicted]}. */
  record Confusion(int classes, long[] counts) implements Inference.Predictions {
    @Override
    public void accept(Dataset data, int from, int count, double[] outputs) {
      if (!data.isClassification()) {
        return;
      }
      for (int i = 0; i < count; i++) {
        counts[
            data.labels()[from + i] * classes + Inference.argmax(outputs, i * classes, classes)]++;
      }
    }
  }
}
