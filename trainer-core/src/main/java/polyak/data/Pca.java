package polyak.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Principal component projection fitted on training data: z = (x − μ)·V_K, the K leading
 * eigenvectors of the covariance, optionally whitened (each component divided by √(λ_k + ε), ε =
 * 1e-8·λ_1, so every component has unit variance on the training data). Changes the width from W to
 * K.
 *
 * <p>Fitting goes through per-block sums in a fixed order — {@link #columnSums}, then {@link
 * #scatter} (Σ (x − μ)ᵀ(x − μ), the centred XᵀX) with the mean of all blocks, then {@link
 * #fromScatter} — so a fit over Spark partitions (summed in partition order) and {@link #fit} over
 * the same blocks give the same bits. Each eigenvector's sign is fixed (its largest-magnitude entry
 * is positive) so the projection is a function of the data alone.
 */
public final class Pca implements Preprocessor {
  private static final int CHUNK = 1024;
  private static final double WHITEN_EPS = 1e-8;

  private final double[] mean;
  private final double[] components;
  private final double[] scale;
  private final boolean whitened;

  private Pca(double[] mean, double[] components, double[] scale, boolean whitened) {
    int w = mean.length;
    if (w == 0 || scale.length == 0 || components.length != (long) scale.length * w) {
      throw new DataException(
          "pca: "
              + scale.length
              + " components of width "
              + w
              + " do not match "
              + components.length
              + " stored values");
    }
    for (double[] a : new double[][] {mean, components, scale}) {
      for (double v : a) {
        if (!Double.isFinite(v)) {
          throw new DataException("pca: non-finite value " + v);
        }
      }
    }
    for (double s : scale) {
      if (!(s > 0)) {
        throw new DataException("pca: component scale " + s + " must be positive");
      }
    }
    this.mean = mean;
    this.components = components;
    this.scale = scale;
    this.whitened = whitened;
  }

  /** Σx over the rows of a block (length = width). */
  public static double[] columnSums(Dataset block) {
    int w = block.width();
    double[] sums = new double[w];
    double[] x = block.features();
    for (int r = 0; r < block.rows(); r++) {
      for (int j = 0; j < w; j++) {
        sums[j] += x[r * w + j];
      }
    }
    return sums;
  }

  /** Σ (x − mean)ᵀ(x − mean) over the rows of a block: W × W, row-major. */
  public static double[] scatter(Dataset block, double[] mean) {
    int w = block.width();
    DMatrixRMaj sum = new DMatrixRMaj(w, w);
    DMatrixRMaj chunk = new DMatrixRMaj(1, w);
    double[] x = block.features();
    for (int from = 0; from < block.rows(); from += CHUNK) {
      int n = Math.min(CHUNK, block.rows() - from);
      chunk.reshape(n, w);
      for (int i = 0; i < n * w; i++) {
        chunk.data[i] = x[from * w + i] - mean[i % w];
      }
      CommonOps_DDRM.multAddTransA(chunk, chunk, sum);
    }
    return sum.data;
  }

  /**
   * The projection onto the {@code k} leading eigenvectors of the covariance {@code scatter /
   * rows}.
   *
   * @param scatter the summed {@link #scatter} of all blocks (W × W); not modified
   */
  public static Pca fromScatter(double[] mean, double[] scatter, long rows, int k, boolean whiten) {
    int w = mean.length;
    if (k < 1 || k > w) {
      throw new DataException("pca: components must be in [1, " + w + "], got " + k);
    }
    if (rows < 2) {
      throw new DataException("pca: needs at least 2 rows to fit, got " + rows);
    }
    DMatrixRMaj cov = new DMatrixRMaj(w, w);
    for (int i = 0; i < w; i++) {
      for (int j = 0; j < w; j++) {
        // symmetric by construction, whatever order the product summed in
        cov.data[i * w + j] = 0.5 * (scatter[i * w + j] + scatter[j * w + i]) / rows;
      }
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(w, true, true);
    if (!eig.decompose(cov)) {
      throw new DataException(
          "pca: the eigen-decomposition of the " + w + " × " + w + " covariance failed");
    }
    Integer[] order = new Integer[w];
    double[] values = new double[w];
    for (int i = 0; i < w; i++) {
      order[i] = i;
      values[i] = eig.getEigenvalue(i).getReal();
    }
    Arrays.sort(
        order, Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i));
    double[] comps = new double[k * w];
    double[] scale = new double[k];
    double eps = WHITEN_EPS * Math.max(values[order[0]], Double.MIN_NORMAL);
    for (int c = 0; c < k; c++) {
      DMatrixRMaj v = eig.getEigenVector(order[c]);
      int big = 0;
      for (int j = 1; j < w; j++) {
        if (Math.abs(v.data[j]) > Math.abs(v.data[big])) {
          big = j;
        }
      }
      double norm = 0;
      for (int j = 0; j < w; j++) {
        norm += v.data[j] * v.data[j];
      }
      double s = (v.data[big] < 0 ? -1 : 1) / Math.sqrt(norm);
      for (int j = 0; j < w; j++) {
        comps[c * w + j] = s * v.data[j];
      }
      scale[c] = whiten ? 1.0 / Math.sqrt(Math.max(values[order[c]], 0) + eps) : 1.0;
    }
    return new Pca(mean.clone(), comps, scale, whiten);
  }

  /** Fits on blocks (e.g. the partitions a Spark run has), summing their statistics in order. */
  public static Pca fit(Dataset[] blocks, int k, boolean whiten) {
    int w = blocks[0].width();
    double[] sums = new double[w];
    long rows = 0;
    for (Dataset b : blocks) {
      add(sums, columnSums(b));
      rows += b.rows();
    }
    double[] mean = meanOf(sums, rows);
    double[] scatter = new double[w * w];
    for (Dataset b : blocks) {
      add(scatter, scatter(b, mean));
    }
    return fromScatter(mean, scatter, rows, k, whiten);
  }

  /** The mean from summed {@link #columnSums}. */
  public static double[] meanOf(double[] sums, long rows) {
    if (rows < 1) {
      throw new DataException("pca: no rows to fit on");
    }
    double[] mean = new double[sums.length];
    for (int j = 0; j < sums.length; j++) {
      mean[j] = sums[j] / rows;
    }
    return mean;
  }

  /** sum += part, element by element. */
  public static void add(double[] sum, double[] part) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += part[i];
    }
  }

  public int components() {
    return scale.length;
  }

  /** The training mean μ (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** The K unit eigenvectors as rows of a K × W row-major matrix, leading first (a copy). */
  public double[] componentRows() {
    return components.clone();
  }

  /** The per-component factor: 1/√(λ_k + ε) when whitened, else 1 (a copy). */
  public double[] scale() {
    return scale.clone();
  }

  public boolean whitened() {
    return whitened;
  }

  @Override
  public int width() {
    return mean.length;
  }

  @Override
  public int outputWidth(int inputWidth) {
    return scale.length;
  }

  /** PCA changes the row width, so it cannot work in place: use {@link #apply}. */
  @Override
  public void applyInPlace(double[] rowMajor, int width) {
    throw new UnsupportedOperationException(
        "pca changes the width from " + mean.length + " to " + scale.length + "; use apply");
  }

  @Override
  public Dataset apply(Dataset data) {
    int w = mean.length;
    int k = scale.length;
    if (data.width() != w) {
      throw new DataException(
          data.source()
              + ": "
              + this
              + " was fitted on "
              + w
              + " features, but the data has "
              + data.width());
    }
    double[] x = data.features();
    double[] out = new double[data.rows() * k];
    DMatrixRMaj v = DMatrixRMaj.wrap(k, w, components);
    DMatrixRMaj chunk = new DMatrixRMaj(1, w);
    DMatrixRMaj z = new DMatrixRMaj(1, k);
    for (int from = 0; from < data.rows(); from += CHUNK) {
      int n = Math.min(CHUNK, data.rows() - from);
      chunk.reshape(n, w);
      for (int i = 0; i < n * w; i++) {
        chunk.data[i] = x[from * w + i] - mean[i % w];
      }
      z.reshape(n, k);
      CommonOps_DDRM.multTransB(chunk, v, z);
      for (int i = 0; i < n * k; i++) {
        out[from * k + i] = z.data[i] * scale[i % k];
      }
    }
    return data.withFeatures(k, out);
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeByte(TAG_PCA);
    out.writeInt(mean.length);
    out.writeInt(scale.length);
    out.writeBoolean(whitened);
    FeatureStats.writeArray(out, mean);
    FeatureStats.writeArray(out, components);
    FeatureStats.writeArray(out, scale);
  }

  static Pca readBody(DataInput in, String source) throws IOException {
    int w = FeatureStats.readWidth(in, source, "pca");
    int k = in.readInt();
    if (k < 1 || k > w) {
      throw new DataException(source + ": pca components " + k + " outside [1, " + w + "]");
    }
    boolean whitened = in.readBoolean();
    double[] mean = FeatureStats.readArray(in, w);
    double[] comps = FeatureStats.readArray(in, k * w);
    double[] scale = FeatureStats.readArray(in, k);
    try {
      return new Pca(mean, comps, scale, whitened);
    } catch (DataException e) {
      throw new DataException(source + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "pca ("
        + mean.length
        + " → "
        + scale.length
        + " components"
        + (whitened ? ", whitened" : "")
        + ")";
  }
}
