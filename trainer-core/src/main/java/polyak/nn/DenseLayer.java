package polyak.nn;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import polyak.nn.kernel.DenseKernel;
import polyak.spec.Initialiser;

/**
 * Affine layer y = x·W + b with W of shape in × out (row-major in the flat vector) followed by b.
 * The three products go through a {@link DenseKernel}, which reads W and accumulates dW in place in
 * the flat vectors.
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
    int rows = input.numRows;
    y.reshape(rows, out);
    kernel.forward(input.data, rows, in, params, weightOffset, out, y.data);
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
    kernel.addWeightGradient(x.data, gradOutput.data, rows, in, out, grad, weightOffset);
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
