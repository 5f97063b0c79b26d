package polyak.spark.ml;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import polyak.io.SavedModel;
import polyak.spark.train.ModelBroadcast;

/**
 * A model's parameters broadcast once, on its first transform, and shared by the model's copies
 * (tuning and Pipelines copy models). Broadcast again only after it was destroyed or its
 * SparkContext stopped. Spark's ContextCleaner removes it once the model, its copies and the
 * DataFrames they transformed are garbage collected on the driver.
 */
final class SharedBroadcast {
  private final SavedModel model;
  private SparkContext context;
  private Broadcast<ModelBroadcast> broadcast;

  SharedBroadcast(SavedModel model) {
    this.model = model;
  }

  synchronized Broadcast<ModelBroadcast> get(SparkContext sc) {
    if (broadcast == null || context != sc || context.isStopped()) {
      context = sc;
      broadcast =
          JavaSparkContext.fromSparkContext(sc)
              .broadcast(new ModelBroadcast(model.params(), model.state()));
    }
    return broadcast;
  }

  /**
   * The executors drop their copies; a DataFrame transformed earlier still works (they fetch it
   * again).
   */
  synchronized void unpersist() {
    if (broadcast != null && !context.isStopped()) {
      broadcast.unpersist(false);
    }
  }

  /**
   * Frees it on the driver too: DataFrames transformed earlier can no longer be computed; the next
   * transform re-sends.
   */
  synchronized void destroy() {
    if (broadcast != null && !context.isStopped()) {
      broadcast.destroy();
    }
    broadcast = null;
  }
}
