package polyak.spark.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import polyak.spark.data.LoadedData;

/**
 * Spark MLlib's {@link MultilayerPerceptronClassifier} with its defaults (L-BFGS, block size 128,
 * sigmoid hidden layers, softmax output) on the same cached, already scaled blocks polyak trains
 * on, as DataFrames of (label, features: Vector). One fit per maxIter, each timed on its own.
 */
final class MllibBaseline {
  /**
   * One fit: iterations L-BFGS ran, loss-and-gradient evaluations (treeAggregate jobs), wall
   * seconds of {@code fit}, test accuracy, and the executor task time of the evaluations.
   */
  record Fit(
      int maxIter,
      int iterations,
      long evaluations,
      double seconds,
      double testAccuracy,
      long taskMs,
      long trainRows) {
    /** Examples through forward + backward per second of wall time. */
    double examplesPerSecond() {
      return evaluations * (double) trainRows / seconds;
    }

    /** Examples per second of one core's task time. */
    double examplesPerTaskSecond() {
      return taskMs == 0 ? Double.NaN : evaluations * (double) trainRows / (taskMs / 1000.0);
    }
  }

  private MllibBaseline() {}

  /** The blocks as a cached DataFrame (label double, features dense Vector), materialised. */
  static Dataset<Row> frame(SparkSession spark, LoadedData data) {
    JavaRDD<Row> rows = data.blocks().mapPartitions(MllibBaseline::rows);
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("label", DataTypes.DoubleType, false),
              DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)
            });
    Dataset<Row> df = spark.createDataFrame(rows, schema).cache();
    df.count();
    return df;
  }

  private static Iterator<Row> rows(Iterator<polyak.data.Dataset> blocks) {
    List<Row> out = new ArrayList<>();
    while (blocks.hasNext()) {
      polyak.data.Dataset b = blocks.next();
      int w = b.width();
      double[] f = b.features();
      int[] y = b.labels();
      for (int i = 0; i < b.rows(); i++) {
        double[] x = new double[w];
        System.arraycopy(f, i * w, x, 0, w);
        out.add(RowFactory.create((double) y[i], Vectors.dense(x)));
      }
    }
    return out.iterator();
  }

  static Fit fit(
      SparkSession spark,
      TaskMeter meter,
      Dataset<Row> train,
      long trainRows,
      Dataset<Row> test,
      int[] layers,
      int maxIter,
      long seed) {
    String label = "mllib maxIter " + maxIter;
    meter.label(label);
    MultilayerPerceptronClassifier mlp =
        new MultilayerPerceptronClassifier().setLayers(layers).setMaxIter(maxIter).setSeed(seed);
    long t0 = System.nanoTime();
    MultilayerPerceptronClassificationModel model = mlp.fit(train);
    double seconds = (System.nanoTime() - t0) / 1e9;
    TaskMeter.Totals totals = meter.totals(spark.sparkContext(), label);
    meter.label("mllib evaluation");
    double accuracy =
        new MulticlassClassificationEvaluator()
            .setMetricName("accuracy")
            .evaluate(model.transform(test));
    int iterations;
    try {
      iterations = model.summary().totalIterations();
    } catch (RuntimeException e) {
      iterations = -1;
    }
    return new Fit(
        maxIter,
        iterations,
        totals.gradientJobs,
        seconds,
        accuracy,
        totals.gradientRunMs,
        trainRows);
  }
}
