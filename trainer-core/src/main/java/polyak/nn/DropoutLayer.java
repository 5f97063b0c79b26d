package polyak.nn;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import polyak.util.Seeds;

/**
 * Inverted dropout: in training each unit is kept with probability p and scaled by 1/p, so the
 * expected activation is unchanged and inference is the identity. The mask of a row is drawn from
 * (pass seed, layer, row key), so it does not depend on how the batch was split across partitions.
 */
public final class DropoutLayer implements Layer {
  private final int width;
  private final double keep;
  private final int layerIndex;
  private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dX = new DMatrixRMaj(1, 1);
  private double[] mask = new double[0];
  private boolean masked;

  public DropoutLayer(int width, double keep, int layerIndex) {
    this.width = width;
    this.keep = keep;
    this.layerIndex = layerIndex;
  }

  @Override
  public int inputWidth() {
    return width;
  }

  @Override
  public int outputWidth() {
    return width;
  }

  @Override
  public DMatrixRMaj forward(double[] params, double[] state, DMatrixRMaj input, Pass pass) {
    masked = pass.training() && keep < 1.0;
    if (!masked) {
      return input;
    }
    int rows = input.numRows;
    int n = rows * width;
    if (mask.length < n) {
      mask = new double[n];
    }
    double scale = 1.0 / keep;
    for (int r = 0; r < rows; r++) {
      SplittableRandom rng =
          new SplittableRandom(Seeds.derive(pass.seed(), layerIndex, pass.rowKey(r)));
      for (int j = 0; j < width; j++) {
        mask[r * width + j] = rng.nextDouble() < keep ? scale : 0.0;
      }
    }
    y.reshape(rows, width);
    for (int i = 0; i < n; i++) {
      y.data[i] = input.data[i] * mask[i];
    }
    return y;
  }

  @Override
  public DMatrixRMaj backward(
      double[] params, DMatrixRMaj gradOutput, double[] grad, boolean needInputGradient) {
    if (!needInputGradient) {
      return null;
    }
    if (!masked) {
      return gradOutput;
    }
    int n = gradOutput.getNumElements();
    dX.reshape(gradOutput.numRows, width);
    for (int i = 0; i < n; i++) {
      dX.data[i] = gradOutput.data[i] * mask[i];
    }
    return dX;
  }
}
