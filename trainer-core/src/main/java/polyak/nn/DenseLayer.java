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
 * SparseDenseKernel}), and there is no input gradient.
 */
public final class DenseLayer implements Layer {
  private final int in;
  private final int out;
  private final int weightOffset;
  private final int biasOffset;
  private final Initialiser init;
  private final double sigma;
  private final DenseKernel kernel;
  private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dX = new DMatrixRMaj(1, 1);
  private DMatrixRMaj x;

  /** The sparse input of the last forward pass, or null when it was dense. */
  private SparseRows xs;

  public DenseLayer(
      int in,
      int out,
      int weightOffset,
      int biasOffset,
      Initialiser init,
      double sigma,
      DenseKernel kernel) {
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
    int rows = input.numRows;
    y.reshape(rows, out);
    kernel.forward(input.data, rows, in, params, weightOffset, out, y.data);
    return addBias(params, rows);
  }

  /** {@link #forward} of sparse input rows (this layer first in its network). */
  public DMatrixRMaj forwardSparse(double[] params, SparseRows input) {
    x = null;
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
    kernel.inputGradient(gradOutput.data, rows, out, params, weightOffset, in, dX.data);
    return dX;
  }
}
