package polyak.spark.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import polyak.data.SparseRows;
import polyak.nn.kernel.DenseKernel;
import polyak.nn.kernel.DenseKernels;
import polyak.nn.kernel.SparseDenseKernel;

/**
 * {@code polyak bench sparse}: the first dense layer on sparse input, one thread. A batch of rows
 * of {@code dimension} features at {@code density}, into {@code out} units: forward product plus
 * weight gradient through {@link SparseDenseKernel} on the sparse rows against the chosen dense
 * kernel on the same rows densified; memory of the rows both ways.
 */
public final class SparseKernelBenchmark {
  private SparseKernelBenchmark() {}

  static final String TAG = "bench-sparse";

  public record Result(
      int rows,
      int dimension,
      double density,
      int out,
      long nonZeros,
      long sparseBytes,
      long denseBytes,
      double sparseMs,
      double denseMs,
      String denseKernel,
      double maxRelativeDifference) {}

  public static Result run(
      int rows, int dimension, double density, int out, int repeats, Path markdown, PrintStream o)
      throws IOException {
    Environment env = Environment.probe();
    SplittableRandom rng = new SplittableRandom(17);
    double[] dense = new double[Math.multiplyExact(rows, dimension)];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < dimension; k++) {
        if (rng.nextDouble() < density) {
          dense[r * dimension + k] = rng.nextGaussian();
        }
      }
    }
    SparseRows x = SparseRows.of("bench", dense, rows, dimension);
    double[] w = new double[dimension * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = rng.nextGaussian() * 0.01;
    }
    double[] dy = new double[rows * out];
    for (int i = 0; i < dy.length; i++) {
      dy[i] = rng.nextGaussian();
    }
    double[] ySparse = new double[rows * out];
    double[] gSparse = new double[w.length];
    double[] yDense = new double[rows * out];
    double[] gDense = new double[w.length];
    DenseKernel kernel = DenseKernels.chosen().factory().get();
    double[] sparseMs = new double[repeats];
    double[] denseMs = new double[repeats];
    for (int rep = 0; rep < repeats; rep++) {
      Arrays.fill(gSparse, 0);
      long t0 = System.nanoTime();
      SparseDenseKernel.forward(x, w, 0, out, ySparse);
      SparseDenseKernel.addWeightGradient(x, dy, out, gSparse, 0);
      sparseMs[rep] = (System.nanoTime() - t0) / 1e6;
      Arrays.fill(gDense, 0);
      t0 = System.nanoTime();
      kernel.forward(dense, rows, dimension, w, 0, out, yDense);
      kernel.addWeightGradient(dense, dy, rows, dimension, out, gDense, 0);
      denseMs[rep] = (System.nanoTime() - t0) / 1e6;
    }
    double diff = Math.max(relative(yDense, ySparse), relative(gDense, gSparse));
    Result r =
        new Result(
            rows,
            dimension,
            density,
            out,
            x.nonZeros(),
            x.bytes(),
            8L * dense.length,
            median(sparseMs),
            median(denseMs),
            DenseKernels.name(),
            diff);
    String md = markdown(env, r, repeats);
    o.print(md);
    if (markdown != null) {
      BenchMarkdown.splice(markdown, TAG, md);
    }
    return r;
  }

  static String markdown(Environment env, Result r, int repeats) {
    return String.format(
        Locale.ROOT,
        """
        ## Sparse input, first layer (`polyak bench sparse`)

        %d rows × %d features at density %.4f (%d non-zeros) into %d units, one thread, median of %d
        repeats of forward product + weight gradient. Environment: %s, commit %s, load average %.2f.

        | path | rows in memory | forward + weight gradient (ms) |
        |---|---|---|
        | sparse (SparseRows, SparseDenseKernel) | %.2f MiB | %.2f |
        | densified (%s) | %.2f MiB | %.2f |

        Speed-up %.1f×, memory %.0f× smaller; largest relative difference between the two %.1e
        (round-off: the dense kernel sums in its own order).
        """,
        r.rows(),
        r.dimension(),
        r.density(),
        r.nonZeros(),
        r.out(),
        repeats,
        env.describe(),
        env.commit(),
        Environment.loadAverage(),
        r.sparseBytes() / 1048576.0,
        r.sparseMs(),
        r.denseKernel(),
        r.denseBytes() / 1048576.0,
        r.denseMs(),
        r.denseMs() / r.sparseMs(),
        (double) r.denseBytes() / r.sparseBytes(),
        r.maxRelativeDifference());
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static double relative(double[] a, double[] b) {
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(a[i]));
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    return scale == 0 ? diff : diff / scale;
  }
}
