package polyak.nn.kernel;

/**
 * The three matrix products of a dense layer, over plain row-major arrays. Weights are read in
 * place from the flat parameter vector (in × out at {@code wOff}) and weight gradients added in
 * place into the flat gradient, so a kernel that supports offsets copies nothing. The float32
 * variants ({@link polyak.nn.Precision#FLOAT32}) work on a layer's own float copies, from index 0.
 * Implementations: {@link EjmlDenseKernel} (the reference) and {@link BlasDenseKernel}.
 */
public interface DenseKernel {
  /** y(rows × out) = x(rows × in) · W(in × out). */
  void forward(double[] x, int rows, int in, double[] w, int wOff, int out, double[] y);

  /** g[gOff …] += xᵀ(in × rows) · dy(rows × out). */
  void addWeightGradient(double[] x, double[] dy, int rows, int in, int out, double[] g, int gOff);

  /** dx(rows × in) = dy(rows × out) · Wᵀ(out × in). */
  void inputGradient(double[] dy, int rows, int out, double[] w, int wOff, int in, double[] dx);

  /** float32: y(rows × out) = x(rows × in) · W(in × out). */
  void forward(float[] x, int rows, int in, float[] w, int out, float[] y);

  /** float32: dW(in × out) = xᵀ(in × rows) · dy(rows × out), overwriting dW. */
  void weightGradient(float[] x, float[] dy, int rows, int in, int out, float[] dW);

  /** float32: dx(rows × in) = dy(rows × out) · Wᵀ(out × in). */
  void inputGradient(float[] dy, int rows, int out, float[] w, int in, float[] dx);
}
