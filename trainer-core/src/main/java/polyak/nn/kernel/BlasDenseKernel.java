package polyak.nn.kernel;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The dense-layer products through netlib's {@code dgemm} ({@code sgemm} in float32) — the BLAS
 * Spark MLlib uses: native (OpenBLAS etc. through JNI) when the system has one, else VectorBLAS
 * with the {@code jdk.incubator.vector} module, else Java11BLAS. BLAS is column-major; a row-major
 * r × c matrix is the column-major c × r transpose, so each product is issued transposed (Cᵀ =
 * Bᵀ·Aᵀ). Offsets let it read W and add into the gradient in place. Stateless.
 */
public final class BlasDenseKernel implements DenseKernel {
  private final BLAS blas;

  public BlasDenseKernel(BLAS blas) {
    this.blas = blas;
  }

  public String implementation() {
    return blas.getClass().getSimpleName();
  }

  @Override
  public void forward(double[] x, int rows, int in, double[] w, int wOff, int out, double[] y) {
    // yᵀ(out × rows) = Wᵀ(out × in) · xᵀ(in × rows)
    blas.dgemm("N", "N", out, rows, in, 1.0, w, wOff, out, x, 0, in, 0.0, y, 0, out);
  }

  @Override
  public void addWeightGradient(
      double[] x, double[] dy, int rows, int in, int out, double[] g, int gOff) {
    // dWᵀ(out × in) += dyᵀ(out × rows) · x(rows × in)
    blas.dgemm("N", "T", out, in, rows, 1.0, dy, 0, out, x, 0, in, 1.0, g, gOff, out);
  }

  @Override
  public void inputGradient(
      double[] dy, int rows, int out, double[] w, int wOff, int in, double[] dx) {
    // dxᵀ(in × rows) = W(in × out) · dyᵀ(out × rows)
    blas.dgemm("T", "N", in, rows, out, 1.0, w, wOff, out, dy, 0, out, 0.0, dx, 0, in);
  }

  @Override
  public void forward(float[] x, int rows, int in, float[] w, int out, float[] y) {
    blas.sgemm("N", "N", out, rows, in, 1.0f, w, 0, out, x, 0, in, 0.0f, y, 0, out);
  }

  @Override
  public void weightGradient(float[] x, float[] dy, int rows, int in, int out, float[] dW) {
    blas.sgemm("N", "T", out, in, rows, 1.0f, dy, 0, out, x, 0, in, 0.0f, dW, 0, out);
  }

  @Override
  public void inputGradient(float[] dy, int rows, int out, float[] w, int in, float[] dx) {
    blas.sgemm("T", "N", in, rows, out, 1.0f, w, 0, out, dy, 0, out, 0.0f, dx, 0, in);
  }
}
