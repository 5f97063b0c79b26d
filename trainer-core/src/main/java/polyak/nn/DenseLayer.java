package polyak.nn;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import polyak.data.SparseRows;
import polyak.nn.kernel.DenseKernel;
import polyak.nn.kernel.SparseDenseKernel;
import polyak.spec.Initialiser;

/**
 * Affine layer y = x·W + b with W of shape in × out (row-major in the flat vector) followed by b.
 * The three products go through a {@link DenseKernel}, which reads W and accumulates dW in place in
 * the flat vectors. As a network's first layer it also takes sparse input rows ({@link
 * #forwardSparse}): forward and weight gradient are then sparse × dense products ({@link
 * SparseDenseKernel}), and there is no input gradient. In a {@link Precision#FLOAT32} network a
 * training pass runs the three products in float32 on float copies of x, W and dy (the layer's own
 * buffers, reused), adds dW into the float64 gradient and returns y and dx in float64; inference
 * passes and sparse input stay float64.
 */
public final class DenseLayer implements Layer {
  private final int in;
  private final int out;
  private final int weightOffset;
  private final int biasOffset;
  private final Initialiser init;
  private final double sigma;
  private final DenseKernel kernel;
  private final Precision precision;
  private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dX = new DMatrixRMaj(1, 1);
  private DMatrixRMaj x;

  /** The sparse input of the last forward pass, or null when it was dense. */
  private SparseRows xs;

  /** The float32 input of the last forward pass, or null when it ran in float64. */
  private float[] xf;

  private float[] xBuf = new float[0];
  private float[] wf = new float[0];
  private float[] yf = new float[0];
  private float[] dyf = new float[0];
  private float[] dWf = new float[0];
  private float[] dxf = new float[0];

  public DenseLayer(
      int in,
      int out,
      int weightOffset,
      int biasOffset,
      Initialiser init,
      double sigma,
      DenseKernel kernel) {
    this(in, out, weightOffset, biasOffset, init, sigma, kernel, Precision.FLOAT64);
  }

  public DenseLayer(
      int in,
      int out,
      int weightOffset,
      int biasOffset,
      Initialiser init,
      double sigma,
      DenseKernel kernel,
      Precision precision) {
    this.precision = precision;
    this.in = in;
    this.out = out;
    this.weightOffset = weightOffset;
    this.biasOffset = biasOffset;
    this.init = init;
    this.sigma = sigma;
    this.kernel = kernel;
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
    xs = null;
    xf = null;
    int rows = input.numRows;
    if (precision == Precision.FLOAT32 && pass.training()) {
      xBuf = fit(xBuf, rows * in);
      narrow(input.data, xBuf, rows * in);
      return forwardFloat32(params, xBuf, rows);
    }
    y.reshape(rows, out);
    kernel.forward(input.data, rows, in, params, weightOffset, out, y.data);
    return addBias(params, rows);
  }

  /**
   * {@link #forward} of a training pass in float32 over rows already in float32 ({@code input},
   * rows × in, read until the next call): a float32 network's first layer reads the cached float32
   * rows this way without a float64 copy.
   */
  public DMatrixRMaj forwardFloat32(double[] params, float[] input, int rows) {
    x = null;
    xs = null;
    xf = input;
    wf = fit(wf, in * out);
    narrow(params, weightOffset, wf, in * out);
    yf = fit(yf, rows * out);
    kernel.forward(input, rows, in, wf, out, yf);
    y.reshape(rows, out);
    double[] yd = y.data;
    for (int i = 0; i < rows * out; i++) {
      yd[i] = yf[i];
    }
    return addBias(params, rows);
  }

  /** {@link #forward} of sparse input rows (this layer first in its network). */
  public DMatrixRMaj forwardSparse(double[] params, SparseRows input) {
    x = null;
    xf = null;
    xs = input;
    int rows = input.rows();
    y.reshape(rows, out);
    SparseDenseKernel.forward(input, params, weightOffset, out, y.data);
    return addBias(params, rows);
  }

  private DMatrixRMaj addBias(double[] params, int rows) {
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
  public DMatrixRMaj backward(
      double[] params, DMatrixRMaj gradOutput, double[] grad, boolean needInputGradient) {
    int rows = gradOutput.numRows;
    if (xs != null) {
      if (needInputGradient) {
        throw new IllegalStateException(
            "no input gradient for sparse input rows: adversarial training, the gradient penalty"
                + " and attacks need dense input (data.sparse = false)");
      }
      SparseDenseKernel.addWeightGradient(xs, gradOutput.data, out, grad, weightOffset);
    } else if (xf != null) {
      dyf = fit(dyf, rows * out);
      narrow(gradOutput.data, dyf, rows * out);
      dWf = fit(dWf, in * out);
      kernel.weightGradient(xf, dyf, rows, in, out, dWf);
      for (int i = 0; i < in * out; i++) {
        grad[weightOffset + i] += dWf[i];
      }
    } else {
      kernel.addWeightGradient(x.data, gradOutput.data, rows, in, out, grad, weightOffset);
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
    dX.reshape(rows, in);
    if (xf != null) {
      dxf = fit(dxf, rows * in);
      kernel.inputGradient(dyf, rows, out, wf, in, dxf);
      double[] d = dX.data;
      for (int i = 0; i < rows * in; i++) {
        d[i] = dxf[i];
      }
    } else {
      kernel.inputGradient(gradOutput.data, rows, out, params, weightOffset, in, dX.data);
    }
    return dX;
  }

  /** {@code buf} if it holds {@code n} values, else a new array that does (buffers only grow). */
  private static float[] fit(float[] buf, int n) {
    return buf.length >= n ? buf : new float[n];
  }

  private static void narrow(double[] src, float[] dst, int n) {
    narrow(src, 0, dst, n);
  }

  private static void narrow(double[] src, int from, float[] dst, int n) {
    for (int i = 0; i < n; i++) {
      dst[i] = (float) src[from + i];
    }
  }
}
