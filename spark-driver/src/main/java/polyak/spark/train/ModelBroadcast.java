package polyak.spark.train;

/** The parameters and batch-norm running statistics broadcast to the executors each iteration. */
public record ModelBroadcast(double[] params, double[] normState) {}
