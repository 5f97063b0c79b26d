package polyak.nn;

import org.ejml.data.DMatrixRMaj;
import polyak.spec.ActivationKind;

/**
 * Element-wise activation: sigmoid, tanh, ReLU, leaky ReLU (slope α below 0), ELU (α), identity.
 * Every derivative is a function of the output (for ReLU, leaky ReLU with α ≥ 0 and ELU, y > 0
 * exactly when x > 0), so the input is not kept.
 */
public final class ActivationLayer implements Layer {
  private final int width;
  private final ActivationKind kind;
  private final double alpha;
  private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj dX = new DMatrixRMaj(1, 1);

  public ActivationLayer(int width, ActivationKind kind, double alpha) {
    this.width = width;
    this.kind = kind;
    this.alpha = alpha;
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
    int n = input.getNumElements();
    y.reshape(input.numRows, width);
    double[] in = input.data;
    double[] out = y.data;
    switch (kind) {
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          out[i] = sigmoid(in[i]);
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          out[i] = Math.tanh(in[i]);
        }
      }
      case RELU -> {
        for (int i = 0; i < n; i++) {
          out[i] = in[i] > 0 ? in[i] : 0.0;
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < n; i++) {
          out[i] = in[i] > 0 ? in[i] : alpha * in[i];
        }
      }
      case ELU -> {
        for (int i = 0; i < n; i++) {
          out[i] = in[i] > 0 ? in[i] : alpha * Math.expm1(in[i]);
        }
      }
      case IDENTITY -> System.arraycopy(in, 0, out, 0, n);
    }
    return y;
  }

  /** Stable for large |z|: never evaluates exp of a large positive number. */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }

  @Override
  public DMatrixRMaj backward(
      double[] params, DMatrixRMaj gradOutput, double[] grad, boolean needInputGradient) {
    if (!needInputGradient) {
      return null;
    }
    int n = gradOutput.getNumElements();
    dX.reshape(gradOutput.numRows, width);
    double[] g = gradOutput.data;
    double[] out = y.data;
    double[] d = dX.data;
    switch (kind) {
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          d[i] = g[i] * out[i] * (1 - out[i]);
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          d[i] = g[i] * (1 - out[i] * out[i]);
        }
      }
      case RELU -> {
        for (int i = 0; i < n; i++) {
          d[i] = out[i] > 0 ? g[i] : 0.0;
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < n; i++) {
          d[i] = out[i] > 0 ? g[i] : alpha * g[i];
        }
      }
      case ELU -> {
        for (int i = 0; i < n; i++) {
          d[i] = out[i] > 0 ? g[i] : g[i] * (out[i] + alpha);
        }
      }
      case IDENTITY -> System.arraycopy(g, 0, d, 0, n);
    }
    return dX;
  }
}
