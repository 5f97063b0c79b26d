package polyak.nn.kernel;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The reference kernel: EJML's single-threaded row-major GEMMs. EJML matrices start at index 0, so
 * weights are copied out of the flat vector (O(in·out) per call, small beside the O(rows·in·out)
 * product), and the input gradient uses {@code mult} against a transposed copy of W because {@code
 * multTransB} is half as fast here. Holds scratch buffers: one instance per layer and thread.
 */
public final class EjmlDenseKernel implements DenseKernel {
  private final DMatrixRMaj w = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj wT = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dW = new DMatrixRMaj(1, 1);
  private final FMatrixRMaj wTf = new FMatrixRMaj(1, 1);

  @Override
  public void forward(
      double[] x, int rows, int in, double[] weights, int wOff, int out, double[] y) {
    w.reshape(in, out);
    System.arraycopy(weights, wOff, w.data, 0, in * out);
    CommonOps_DDRM.mult(view(x, rows, in), w, view(y, rows, out));
  }

  @Override
  public void addWeightGradient(
      double[] x, double[] dy, int rows, int in, int out, double[] g, int gOff) {
    dW.reshape(in, out);
    CommonOps_DDRM.multTransA(view(x, rows, in), view(dy, rows, out), dW);
    double[] d = dW.data;
    for (int i = 0; i < in * out; i++) {
      g[gOff + i] += d[i];
    }
  }

  @Override
  public void inputGradient(
      double[] dy, int rows, int out, double[] weights, int wOff, int in, double[] dx) {
    w.reshape(in, out);
    System.arraycopy(weights, wOff, w.data, 0, in * out);
    wT.reshape(out, in);
    CommonOps_DDRM.transpose(w, wT);
    CommonOps_DDRM.mult(view(dy, rows, out), wT, view(dx, rows, in));
  }

  @Override
  public void forward(float[] x, int rows, int in, float[] w, int out, float[] y) {
    CommonOps_FDRM.mult(view(x, rows, in), view(w, in, out), view(y, rows, out));
  }

  @Override
  public void weightGradient(float[] x, float[] dy, int rows, int in, int out, float[] dW) {
    CommonOps_FDRM.multTransA(view(x, rows, in), view(dy, rows, out), view(dW, in, out));
  }

  @Override
  public void inputGradient(float[] dy, int rows, int out, float[] w, int in, float[] dx) {
    wTf.reshape(out, in);
    CommonOps_FDRM.transpose(view(w, in, out), wTf);
    CommonOps_FDRM.mult(view(dy, rows, out), wTf, view(dx, rows, in));
  }

  private static FMatrixRMaj view(float[] data, int rows, int cols) {
    FMatrixRMaj m = new FMatrixRMaj();
    m.data = data;
    m.numRows = rows;
    m.numCols = cols;
    return m;
  }

  /** A matrix over the first rows × cols values of {@code data} (no copy). */
  private static DMatrixRMaj view(double[] data, int rows, int cols) {
    DMatrixRMaj m = new DMatrixRMaj();
    m.data = data;
    m.numRows = rows;
    m.numCols = cols;
    return m;
  }
}
