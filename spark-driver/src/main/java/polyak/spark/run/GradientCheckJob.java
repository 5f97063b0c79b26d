package polyak.spark.run;

import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import polyak.check.GradientCheck;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.LoadedData;
import polyak.spark.data.TrainingData;

/**
 * {@code polyak gradcheck}: the configured network's analytic gradient against centered differences
 * on the first rows of the training data, per layer, at the initial parameters.
 */
public final class GradientCheckJob {
  private GradientCheckJob() {}

  public static boolean run(
      SparkSession spark, PolyakConfig config, int rows, double tolerance, PrintStream console) {
    LoadedData data = TrainingData.load(spark, config.train().withLimit(rows), 1);
    polyak.data.Preprocessor pre = PreparedData.fit(config, data);
    if (pre != null) {
      data = data.preprocessed(pre);
    }
    data.checkCompatible(config.network());
    List<Dataset> blocks = data.blocks().collect();
    Dataset batch = blocks.get(0);
    Network network = Network.build(config.network());
    double[] params = new double[network.parameterCount()];
    double[] state = new double[network.stateSize()];
    network.initialise(config.training().seed(), params, state);
    GradientCheck.Report report =
        new GradientCheck().check(network, params, state, batch, config.training().seed());
    console.printf(
        "gradient check of %d parameters on %d rows (centered differences, double precision)%n",
        params.length, batch.rows());
    console.print(report);
    boolean ok = report.maxRelativeError() < tolerance;
    console.printf(
        "max relative error %.3e: %s (tolerance %.1e)%n",
        report.maxRelativeError(), ok ? "PASS" : "FAIL", tolerance);
    return ok;
  }
}
