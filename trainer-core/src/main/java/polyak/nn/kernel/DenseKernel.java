package polyak.nn.kernel;

/**
 * The three matrix products of a dense layer, over plain row-major arrays. Weights are read in
 * place from the flat parameter vector (in × out at {@code wOff}) and weight gradients added in
 * place into the flat gradient, so a kernel that supports offsets copies nothing. Implementations:
 * {@link EjmlDenseKernel} (the reference) and {@link BlasDenseKernel}.
 */
public interface DenseKernel {
  /** y(rows × out) = x(rows × in) · W(in × out). */
  void forward(double[] x, int rows, int in, double[] w, int wOff, int out, double[] y);

  /** g[gOff …] += xᵀ(in × rows) · dy(rows × out). */
  void addWeightGradient(double[] x, double[] dy, int rows, int in, int out, double[] g, int gOff);

  /** dx(rows × in) = dy(rows × out) · Wᵀ(out × in). */
  void inputGradient(double[] dy, int rows, int out, double[] w, int wOff, int in, double[] dx);
}
