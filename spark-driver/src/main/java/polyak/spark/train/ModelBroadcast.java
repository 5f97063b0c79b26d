package polyak.spark.train;

import polyak.nn.Precision;

/**
 * The parameters and batch-norm running statistics broadcast to the executors each iteration. With
 * {@code precision} float32 the parameters are already rounded to float32 and travel as 4-byte
 * floats ({@link TrainKryo}); the running statistics always travel in float64.
 */
public record ModelBroadcast(double[] params, double[] normState, Precision precision) {

  /** Parameters in float64. */
  public ModelBroadcast(double[] params, double[] normState) {
    this(params, normState, Precision.FLOAT64);
  }
}
