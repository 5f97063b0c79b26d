package polyak.nn.loss;

import org.ejml.data.DMatrixRMaj;

/** ½‖f − y‖² per example; gradient f − y. */
public final class MeanSquaredError implements Loss {
  @Override
  public boolean usesLabels() {
    return false;
  }

  @Override
  public double lossAndGradient(
      DMatrixRMaj output, int[] labels, double[] targets, DMatrixRMaj grad) {
    int n = output.getNumElements();
    if (grad != null) {
      grad.reshape(output.numRows, output.numCols);
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double d = output.data[i] - targets[i];
      total += 0.5 * d * d;
      if (grad != null) {
        grad.data[i] = d;
      }
    }
    return total;
  }
}
