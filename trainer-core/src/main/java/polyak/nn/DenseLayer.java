package polyak.nn;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import polyak.spec.Initialiser;

/**
 * Affine layer y = x·W + b with W of shape in × out (row-major in the flat vector) followed by b.
 * The backward pass computes dX = dY·Wᵀ with {@code mult} against a transposed copy of W, because
 * {@code multTransB} is half as fast here.
 */
public final class DenseLayer implements Layer {
  private final int in;
  private final int out;
  private final int weightOffset;
  private final int biasOffset;
  private final Initialiser init;
  private final double sigma;
  private final DMatrixRMaj w;
  private final DMatrixRMaj wT;
  private final DMatrixRMaj dW;
  private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dX = new DMatrixRMaj(1, 1);
  private DMatrixRMaj x;

  public DenseLayer(int in, int out, int weightOffset, int biasOffset, Initialiser init, double sigma) {
    this.in = in;
    this.out = out;
    this.weightOffset = weightOffset;
    this.biasOffset = biasOffset;
    this.init = init;
    this.sigma = sigma;
    this.w = new DMatrixRMaj(in, out);
    this.wT = new DMatrixRMaj(out, in);
    this.dW = new DMatrixRMaj(in, out);
  }

  @Override
  public int inputWidth() {
    return in;
  }

  @Override
  public int outputWidth() {
    return out;
  }

  @Override
  public void initialise(double[] params, double[] state, SplittableRandom rng) {
    init.fill(params, weightOffset, in, out, sigma, rng);
    java.util.Arrays.fill(params, biasOffset, biasOffset + out, 0.0);
  }

  @Override
  public DMatrixRMaj forward(double[] params, double[] state, DMatrixRMaj input, Pass pass) {
    x = input;
    int rows = input.numRows;
    System.arraycopy(params, weightOffset, w.data, 0, in * out);
    y.reshape(rows, out);
    CommonOps_DDRM.mult(input, w, y);
    double[] yd = y.data;
    for (int r = 0; r < rows; r++) {
      int base = r * out;
      for (int j = 0; j < out; j++) {
        yd[base + j] += params[biasOffset + j];
      }
    }
    return y;
  }

  @Override
  public DMatrixRMaj backward(double[] params, DMatrixRMaj gradOutput, double[] grad, boolean needInputGradient) {
    int rows = gradOutput.numRows;
    CommonOps_DDRM.multTransA(x, gradOutput, dW);
    double[] dw = dW.data;
    for (int i = 0; i < in * out; i++) {
      grad[weightOffset + i] += dw[i];
    }
    double[] g = gradOutput.data;
    for (int r = 0; r < rows; r++) {
      int base = r * out;
      for (int j = 0; j < out; j++) {
        grad[biasOffset + j] += g[base + j];
      }
    }
    if (!needInputGradient) {
      return null;
    }
    CommonOps_DDRM.transpose(w, wT);
    dX.reshape(rows, in);
    CommonOps_DDRM.mult(gradOutput, wT, dX);
    return dX;
  }
}
