package polyak.spark.data;

import java.util.List;
import polyak.data.DataException;
import polyak.data.Pca;

/**
 * Fits {@link Pca} on distributed training data: the executors return each block's column sums and
 * then its centred XᵀX (with the broadcast mean); the driver adds them in partition order — the
 * order {@link Pca#fit} uses over the same blocks, so both give the same bits — and takes the
 * eigenvectors of the W × W covariance.
 */
public final class PcaFit {
  private PcaFit() {}

  public static Pca fit(LoadedData train, int components, boolean whiten) {
    if (components > train.width()) {
      throw new DataException(
          "data.pca.components: "
              + components
              + " components, but "
              + train.description()
              + " has only "
              + train.width()
              + " features");
    }
    List<double[]> sums =
        SparkFailures.unwrapping(() -> train.blocks().map(Pca::columnSums).collect());
    double[] total = new double[train.width()];
    for (double[] s : sums) {
      Pca.add(total, s);
    }
    double[] mean = Pca.meanOf(total, train.rows());
    List<double[]> scatters =
        SparkFailures.unwrapping(() -> train.blocks().map(b -> Pca.scatter(b, mean)).collect());
    double[] scatter = new double[train.width() * train.width()];
    for (double[] s : scatters) {
      Pca.add(scatter, s);
    }
    return Pca.fromScatter(mean, scatter, train.rows(), components, whiten);
  }
}
