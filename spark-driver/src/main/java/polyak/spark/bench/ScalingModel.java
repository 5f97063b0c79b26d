package polyak.spark.bench;

import java.util.List;

/**
 * Least-squares fits of the measured iteration times and a projection to many executors.
 *
 * <p>Whole-iteration model (all sweep points): T = c·B·P/w + α + β·P, with B the global batch, P
 * the parameter count, w = min(partitions, cores) the tasks that run at once; c is time per
 * example-parameter on one core, α the fixed cost of an iteration, β the per-parameter cost
 * (broadcast, transfer and sum of the partial gradients, the driver's optimizer step).
 *
 * <p>Phase models: compute = c_e·(B/k)·P (the slowest task's share); broadcast = a_b + β_b·P; job
 * rest − scheduling = a_a + β_a·k·P (k partial gradients transferred and summed); scheduling (an
 * empty job over the same cached blocks, measured right after each point) is taken out of the job
 * rest; for the projection, α_0 + α_t·E from trivial jobs of 2, 8 and 32 tasks; step = a_s + β_s·P.
 */
final class ScalingModel {
  /** Wire cost per parameter per hop: 8 bytes over an assumed 10 Gbit/s link (1.25 GB/s), in ms. */
  static final double WIRE_MS_PER_PARAM = 8.0 / 1.25e9 * 1e3;

  record Sample(
      long parameters,
      int batch,
      int partitions,
      int cores,
      PolyakRuns.Phase phase,
      double schedulingMs) {}

  /** Fitted coefficients, times in ms. */
  record Fit(
      double c,
      double alpha,
      double beta,
      double r2,
      double ce,
      double ab,
      double betaB,
      double aa,
      double betaA,
      double alpha0,
      double alphaT,
      double as,
      double betaS) {}

  /** One projected configuration. */
  record Projection(
      int executors,
      long parameters,
      int batchPerExecutor,
      double computeMs,
      double broadcastMs,
      double aggregationMs,
      double schedulingMs,
      double stepMs) {
    double totalMs() {
      return computeMs + broadcastMs + aggregationMs + schedulingMs + stepMs;
    }

    /** Compute ÷ total: the fraction of the iteration the executors spend on their own share. */
    double efficiency() {
      return computeMs / totalMs();
    }
  }

  private ScalingModel() {}

  static Fit fit(List<Sample> samples, double[] jobTasks, double[] jobMs) {
    int n = samples.size();
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      Sample s = samples.get(i);
      int w = Math.min(s.partitions(), s.cores());
      x[i] = new double[] {(double) s.batch() * s.parameters() / w, 1, s.parameters()};
      y[i] = s.phase().totalMs();
    }
    double[] g = LeastSquares.solve(x, y);
    double r2 = LeastSquares.r2(x, y, g);

    double[][] xc = new double[n][];
    double[] yc = new double[n];
    double[][] xb = new double[n][];
    double[] yb = new double[n];
    double[][] xa = new double[n][];
    double[] ya = new double[n];
    double[][] xs = new double[n][];
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      Sample s = samples.get(i);
      PolyakRuns.Phase p = s.phase();
      xc[i] = new double[] {(double) s.batch() / s.partitions() * s.parameters()};
      yc[i] = p.computeMs();
      xb[i] = new double[] {1, s.parameters()};
      yb[i] = p.broadcastMs();
      xa[i] = new double[] {1, (double) s.partitions() * s.parameters()};
      ya[i] = p.jobRestMs() - s.schedulingMs();
      xs[i] = new double[] {1, s.parameters()};
      ys[i] = p.stepMs();
    }
    double[] c = LeastSquares.solve(xc, yc);
    double[] b = LeastSquares.solve(xb, yb);
    double[] a = LeastSquares.solve(xa, ya);
    double[] st = LeastSquares.solve(xs, ys);
    double[][] xe = new double[jobTasks.length][];
    for (int i = 0; i < xe.length; i++) {
      xe[i] = new double[] {1, jobTasks[i]};
    }
    double[] e = xe.length >= 2 ? LeastSquares.solve(xe, jobMs) : new double[] {jobMs[0], 0};
    return new Fit(g[0], g[1], g[2], r2, c[0], b[0], b[1], a[0], a[1], e[0], e[1], st[0], st[1]);
  }

  /**
   * E executors of one core each, each computing {@code batchPerExecutor} examples. Network model:
   * torrent broadcast (the driver's put, then ⌈log2 E⌉ rounds of peer fetches), a depth-2 fixed
   * tree for the partial gradients (⌈√E⌉ vectors into each group reducer, then ⌈√E⌉ group sums into
   * the driver, each receiver taking its vectors one after the other). A hop costs the
   * per-parameter transfer-and-sum cost measured on this machine (β_a) plus 8 bytes over a 10
   * Gbit/s wire.
   */
  static Projection project(Fit f, int executors, long parameters, int batchPerExecutor) {
    double hop = Math.max(f.betaA(), 0) + WIRE_MS_PER_PARAM;
    double rounds = Math.ceil(Math.log(executors) / Math.log(2));
    double fanIn = Math.ceil(Math.sqrt(executors));
    double compute = f.ce() * batchPerExecutor * parameters;
    double broadcast =
        Math.max(f.ab(), 0) + Math.max(f.betaB(), 0) * parameters + hop * parameters * rounds;
    double aggregation = Math.max(f.aa(), 0) + 2 * fanIn * hop * parameters;
    double scheduling = Math.max(f.alpha0(), 0) + Math.max(f.alphaT(), 0) * executors;
    double step = Math.max(f.as(), 0) + Math.max(f.betaS(), 0) * parameters;
    return new Projection(
        executors, parameters, batchPerExecutor, compute, broadcast, aggregation, scheduling, step);
  }
}
