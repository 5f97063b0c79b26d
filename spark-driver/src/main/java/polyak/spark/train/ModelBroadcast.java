package polyak.spark.train;

import polyak.nn.Precision;

/**
 * The parameters and batch-norm running statistics broadcast to the executors each iteration. With
 * {@code precision} float32 the parameters are already rounded to float32 and travel as 4-byte
 * floats ({@link TrainKryo}); the running statistics always travel in float64.
 */
public record ModelBroadcast(double[] params, double[] normState, Precision precision) {

  /**
   * What a gradient computation receives: copies of θ rounded to {@code precision} and of the
   * running statistics.
   */
  static ModelBroadcast rounded(double[] params, double[] normState, Precision precision) {
    double[] p = new double[params.length];
    precision.round(params, p);
    return new ModelBroadcast(p, normState.clone(), precision);
  }

  /** Parameters in float64. */
  public ModelBroadcast(double[] params, double[] normState) {
    this(params, normState, Precision.FLOAT64);
  }
}
