package polyak.spark.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.nn.kernel.DenseKernel;
import polyak.nn.kernel.DenseKernels;
import polyak.spec.NetworkSpec;

/**
 * Single-thread speed of each available dense kernel: raw GEMM GFLOP/s at the network's shapes, and
 * forward + backward examples/s of the whole network. Medians of repeated timings in one JVM.
 * {@code polyak bench kernels} runs it alone; {@code polyak bench} as part of the comparison.
 */
public final class KernelBenchmark {
  /** One kernel's figures. */
  public record Row(String kernel, double gemmGflops, double examplesPerSecond) {}

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
      double gflops = gemmGflops(choice.factory().get(), spec, batch, repeats);
      double eps = networkExamplesPerSecond(spec, choice, batch, repeats);
      rows.add(new Row(choice.name(), gflops, eps));
      out.printf(
          Locale.ROOT,
          "%-18s GEMM %6.2f GFLOP/s   forward+backward %8.0f examples/s (batch %d, 1 thread)%n",
          choice.name(),
          gflops,
          eps,
          batch);
    }
    return rows;
  }

  /** The three products of every dense layer of {@code spec} at {@code batch} rows. */
  static double gemmGflops(DenseKernel kernel, NetworkSpec spec, int batch, int repeats) {
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
    double[] times = new double[repeats];
    for (int r = -2; r < repeats; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < dims.size(); i++) {
        int in = dims.get(i)[0];
        int out = dims.get(i)[1];
        kernel.forward(x[i], batch, in, w[i], 0, out, y[i]);
        kernel.addWeightGradient(x[i], y[i], batch, in, out, w[i], 0);
        kernel.inputGradient(y[i], batch, out, w[i], 0, in, x[i]);
      }
      if (r >= 0) {
        times[r] = (System.nanoTime() - t0) / 1e9;
      }
    }
    return flops / PolyakRuns.median(times) / 1e9;
  }

  static double networkExamplesPerSecond(
      NetworkSpec spec, DenseKernels.Choice choice, int batch, int repeats) {
    Network network = Network.build(spec, choice);
    SplittableRandom rng = new SplittableRandom(2);
    int width = spec.inputWidth();
    int classes = spec.outputWidth();
    double[] features = random(rng, batch * width);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = rng.nextInt(classes);
    }
    Dataset data = Dataset.classification("random", width, features, labels, classes, 0);
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
