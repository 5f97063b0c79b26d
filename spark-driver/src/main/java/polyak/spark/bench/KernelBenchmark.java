package polyak.spark.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.nn.kernel.DenseKernel;
import polyak.nn.kernel.DenseKernels;
import polyak.spec.NetworkSpec;

/**
 * Single-thread speed of each available dense kernel in each precision (float64: dgemm; float32:
 * sgemm or EJML's FDRM): raw GEMM GFLOP/s at the network's shapes, and forward + backward
 * examples/s of the whole network. Medians of repeated timings in one JVM. {@code polyak bench
 * kernels} runs it alone; {@code polyak bench} as part of the comparison.
 */
public final class KernelBenchmark {
  /** One kernel's figures in one precision. */
  public record Row(
      String kernel, Precision precision, double gemmGflops, double examplesPerSecond) {}

  /**
   * {@code kernel}'s row in {@code precision} divided by its row in the other precision (float32 ÷
   * float64 for FLOAT32), by {@code figure}; NaN when either row is missing.
   */
  static double ratio(
      List<Row> rows,
      String kernel,
      java.util.function.ToDoubleFunction<Row> figure,
      Precision numerator,
      Precision denominator) {
    double a = Double.NaN;
    double b = Double.NaN;
    for (Row r : rows) {
      if (r.kernel().equals(kernel) && r.precision() == numerator) {
        a = figure.applyAsDouble(r);
      }
      if (r.kernel().equals(kernel) && r.precision() == denominator) {
        b = figure.applyAsDouble(r);
      }
    }
    return a / b;
  }

  private KernelBenchmark() {}

  public static List<Row> run(NetworkSpec spec, int batch, int repeats, PrintStream out) {
    List<String> names = new ArrayList<>(List.of("ejml", "java"));
    try {
      DenseKernels.choose("native");
      names.add("native");
    } catch (RuntimeException | LinkageError e) {
      out.println("(no native BLAS on this machine)");
    }
    List<Row> rows = new ArrayList<>();
    for (String name : names) {
      DenseKernels.Choice choice = DenseKernels.choose(name);
      for (Precision p : List.of(Precision.FLOAT64, Precision.FLOAT32)) {
        double gflops = gemmGflops(choice.factory().get(), spec, batch, repeats, p);
        double eps = networkExamplesPerSecond(spec, choice, batch, repeats, p);
        rows.add(new Row(choice.name(), p, gflops, eps));
        out.printf(
            Locale.ROOT,
            "%-18s %s GEMM %6.2f GFLOP/s   forward+backward %8.0f examples/s (batch %d, 1"
                + " thread)%n",
            choice.name(),
            p,
            gflops,
            eps,
            batch);
      }
    }
    return rows;
  }

  /**
   * The three products of every dense layer of {@code spec} at {@code batch} rows, in {@code
   * precision} (float32: the kernel's float methods, as a float32 training pass calls them).
   */
  static double gemmGflops(
      DenseKernel kernel, NetworkSpec spec, int batch, int repeats, Precision precision) {
    Network shape = Network.build(spec);
    List<int[]> dims = new ArrayList<>();
    for (var seg : shape.layout().segments()) {
      if (seg.kind() == polyak.nn.ParameterKind.WEIGHT) {
        dims.add(new int[] {seg.rows(), seg.cols()});
      }
    }
    SplittableRandom rng = new SplittableRandom(1);
    double flops = 0;
    for (int[] d : dims) {
      flops += 3.0 * 2 * batch * d[0] * d[1];
    }
    double[][] x = new double[dims.size()][];
    double[][] w = new double[dims.size()][];
    double[][] y = new double[dims.size()][];
    for (int i = 0; i < dims.size(); i++) {
      x[i] = random(rng, batch * dims.get(i)[0]);
      w[i] = random(rng, dims.get(i)[0] * dims.get(i)[1]);
      y[i] = random(rng, batch * dims.get(i)[1]);
    }
    float[][] xf = floats(x);
    float[][] wf = floats(w);
    float[][] yf = floats(y);
    boolean single = precision == Precision.FLOAT32;
    double[] times = new double[repeats];
    for (int r = -2; r < repeats; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < dims.size(); i++) {
        int in = dims.get(i)[0];
        int out = dims.get(i)[1];
        if (single) {
          kernel.forward(xf[i], batch, in, wf[i], out, yf[i]);
          kernel.weightGradient(xf[i], yf[i], batch, in, out, wf[i]);
          kernel.inputGradient(yf[i], batch, out, wf[i], in, xf[i]);
        } else {
          kernel.forward(x[i], batch, in, w[i], 0, out, y[i]);
          kernel.addWeightGradient(x[i], y[i], batch, in, out, w[i], 0);
          kernel.inputGradient(y[i], batch, out, w[i], 0, in, x[i]);
        }
      }
      if (r >= 0) {
        times[r] = (System.nanoTime() - t0) / 1e9;
      }
    }
    return flops / PolyakRuns.median(times) / 1e9;
  }

  private static float[][] floats(double[][] v) {
    float[][] f = new float[v.length][];
    for (int i = 0; i < v.length; i++) {
      f[i] = new float[v[i].length];
      for (int j = 0; j < v[i].length; j++) {
        f[i][j] = (float) v[i][j];
      }
    }
    return f;
  }

  /** Forward + backward of the whole network in {@code precision} (float32 rows for float32). */
  static double networkExamplesPerSecond(
      NetworkSpec spec, DenseKernels.Choice choice, int batch, int repeats, Precision precision) {
    Network network = Network.build(spec, choice, precision);
    SplittableRandom rng = new SplittableRandom(2);
    int width = spec.inputWidth();
    int classes = spec.outputWidth();
    double[] features = random(rng, batch * width);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = rng.nextInt(classes);
    }
    Dataset data = Dataset.classification("random", width, features, labels, classes, 0);
    if (precision == Precision.FLOAT32) {
      data = data.toFloat32();
    }
    double[] params = new double[network.parameterCount()];
    double[] state = new double[network.stateSize()];
    network.initialise(3, params, state);
    double[] grad = new double[params.length];
    double[] times = new double[repeats];
    for (int r = -2; r < repeats; r++) {
      Arrays.fill(grad, 0);
      long t0 = System.nanoTime();
      network.gradient(params, state, data, null, 0, batch, 7, grad, null);
      if (r >= 0) {
        times[r] = (System.nanoTime() - t0) / 1e9;
      }
    }
    return batch / PolyakRuns.median(times);
  }

  static double[] random(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble() - 0.5;
    }
    return v;
  }
}
