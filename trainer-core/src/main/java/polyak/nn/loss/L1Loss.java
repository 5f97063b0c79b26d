package polyak.nn.loss;

import org.ejml.data.DMatrixRMaj;

/** ‖f − y‖₁ per example; subgradient sign(f − y) (0 where equal). */
public final class L1Loss implements Loss {
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
      total += Math.abs(d);
      if (grad != null) {
        grad.data[i] = Math.signum(d);
      }
    }
    return total;
  }
}
