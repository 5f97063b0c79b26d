package polyak.spark.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.io.SavedModel;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.LoadedData;
import polyak.spark.data.TrainingData;
import polyak.spark.train.ModelBroadcast;
import polyak.spec.SpecParser;
import polyak.train.Fgsm;

/**
 * {@code polyak evaluate}: a saved model's accuracy, loss and confusion matrix on the config's test data,
 * optionally under the FGSM attack ({@code --fgsm EPS}: every test example moved to x + ε·sign(∇ₓL), ε in
 * the network's input units, after the model's preprocessing; computed on the executors).
 */
public final class EvaluateJob {
  private EvaluateJob() {}

  public static EvaluationCounts run(SparkSession spark, PolyakConfig config, String modelFile, PrintStream console)
      throws IOException {
    return run(spark, config, modelFile, 0.0, console);
  }

  /** As {@link #run(SparkSession, PolyakConfig, String, PrintStream)}, on FGSM examples when fgsmEpsilon > 0. */
  public static EvaluationCounts run(SparkSession spark, PolyakConfig config, String modelFile, double fgsmEpsilon,
      PrintStream console) throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SavedModel model = ModelLoader.load(modelFile, sc.hadoopConfiguration());
    if (config.test() == null) {
      throw new DataException("data.test: no test data configured to evaluate on");
    }
    LoadedData test = TrainingData.load(spark, config.test(), sc.defaultParallelism());
    if (model.preprocessor().isPresent()) {
      test = test.preprocessed(model.preprocessor().get());
    }
    test.checkCompatible(model.spec());
    Broadcast<ModelBroadcast> b = sc.broadcast(new ModelBroadcast(model.params(), model.state()));
    int classes = model.spec().outputWidth();
    sc.setJobDescription("polyak evaluate " + modelFile);
    List<EvaluationCounts> parts = test.blocks().mapPartitions(new Counts(b, model.spec().text(), classes,
        fgsmEpsilon)).collect();
    b.destroy();
    EvaluationCounts total = EvaluationCounts.empty(classes);
    for (EvaluationCounts c : parts) {
      total = total.plus(c);
    }
    console.printf("model %s on %s%s%n", modelFile, test.description(),
        fgsmEpsilon > 0 ? String.format(java.util.Locale.ROOT, ", under FGSM attack (epsilon %s)", fgsmEpsilon) : "");
    console.printf("accuracy %.4f (%d / %d), loss %.4f%n%n", total.accuracy(), total.correct(), total.count(),
        total.meanLoss());
    console.print(total.table());
    return total;
  }

  /** Executor side: inference in chunks, confusion counts and loss per partition. */
  static final class Counts implements FlatMapFunction<Iterator<Dataset>, EvaluationCounts> {
    private final Broadcast<ModelBroadcast> model;
    private final String specText;
    private final int classes;
    private final double fgsmEpsilon;

    Counts(Broadcast<ModelBroadcast> model, String specText, int classes, double fgsmEpsilon) {
      this.model = model;
      this.specText = specText;
      this.classes = classes;
      this.fgsmEpsilon = fgsmEpsilon;
    }

    @Override
    public Iterator<EvaluationCounts> call(Iterator<Dataset> blocks) {
      Network network = Network.build(SpecParser.network("model spec", specText));
      ModelBroadcast m = model.value();
      double lossSum = 0;
      long count = 0;
      long[] confusion = new long[classes * classes];
      int chunk = 1024;
      double[] out = new double[chunk * classes];
      while (blocks.hasNext()) {
        Dataset d = blocks.next();
        if (fgsmEpsilon > 0) {
          d = Fgsm.attack(network, m.params(), m.normState(), d, fgsmEpsilon);
        }
        for (int from = 0; from < d.rows(); from += chunk) {
          int n = Math.min(chunk, d.rows() - from);
          BatchResult r = network.evaluate(m.params(), m.normState(), d, from, n);
          lossSum += r.lossSum();
          count += r.count();
          network.predict(m.params(), m.normState(), d, from, n, out);
          for (int i = 0; i < n; i++) {
            confusion[d.labels()[from + i] * classes + argmax(out, i * classes, classes)]++;
          }
        }
      }
      return List.of(new EvaluationCounts(lossSum, count, classes, confusion)).iterator();
    }
  }

  static int argmax(double[] v, int offset, int n) {
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (v[offset + j] > v[offset + best]) {
        best = j;
      }
    }
    return best;
  }
}
