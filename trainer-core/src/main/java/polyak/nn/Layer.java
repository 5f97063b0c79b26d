package polyak.nn;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * One layer over a whole minibatch (rows = examples, row-major). A layer reads its parameters from
 * the flat vector at offsets fixed when the network was built, keeps its own work buffers between
 * batches, and is not thread-safe: each task or thread builds its own {@link Network}.
 */
public interface Layer {
  int inputWidth();

  int outputWidth();

  /** Sets this layer's parameters (and non-trainable state such as running statistics). */
  default void initialise(double[] params, double[] state, SplittableRandom rng) {}

  /**
   * Returns this layer's output; the matrix is owned by the layer and valid until its next call.
   */
  DMatrixRMaj forward(double[] params, double[] state, DMatrixRMaj input, Pass pass);

  /**
   * Given dL/d(output) of the last forward pass, adds dL/d(parameters) into {@code grad} (same
   * layout as the parameters) and returns dL/d(input), or null when {@code needInputGradient} is
   * false.
   */
  DMatrixRMaj backward(
      double[] params, DMatrixRMaj gradOutput, double[] grad, boolean needInputGradient);
}
