package polyak.spark.bench;

import java.util.List;

/**
 * The scaling model refitted on real standalone clusters ({@link ClusterScaleBenchmark}): a
 * communication-only iteration (compute switched off) of a mode on N single-core executors costs
 *
 * <pre>
 *   T = α + α_s·[sharded] + σ·tasks + β_θ·bP + β_d·driverBytes + β_x·shuffleBytesPerReducer
 * </pre>
 *
 * with tasks the tasks of one iteration (N, or 2N for sharded: N map tasks and N slice reducers),
 * bP the bytes of θ on the wire (b bytes per value: 4 in float32, 8 in float64; broadcast out, the
 * driver's sums; the communication-only job broadcasts θ in {@link
 * polyak.spark.train.CommunicationOnly#BROADCAST_PRECISION}), driverBytes the serialized task
 * results the driver receives (Spark's task metrics) and shuffleBytesPerReducer the shuffle bytes
 * one slice reducer reads. σ is the per-task scheduling cost, β_d the driver's per-byte inbound
 * cost (its effective link speed, 8/β_d bit per ms), β_x an executor's per-byte shuffle cost.
 * Compute per example-parameter, c_e, comes from the real-compute points on at most 2 workers (this
 * machine has 2 cores).
 *
 * <p>The projection follows polyak's {@link Layout}: how many gradient tasks an executor runs (one
 * task whose threads share the executor's cores, the default, or one task per core) and how many
 * bytes a value takes on the wire.
 */
final class CommunicationModel {
  /** Cross-machine bytes cost at least this much: an assumed 10 Gbit/s link, in ms per byte. */
  static final double LINK_BYTES_PER_MS = 10e9 / 8 / 1e3;

  /**
   * Bytes per value of the sharded slice sums the driver receives: the reducers sum in float64 and
   * return float64 whatever the wire precision of the partitions' gradients.
   */
  static final int SUM_BYTES_PER_VALUE = 8;

  /**
   * How a projected executor runs an iteration: {@code tasksPerExecutor} gradient tasks on its
   * {@code cores} cores (1: one task whose threads split the executor's share and whose gradients
   * are summed in the task, polyak's default with spark.threads_per_task = 0; {@code cores}: one
   * single-thread task per core), each gradient and θ's broadcast travelling at {@code
   * bytesPerValue} bytes per value (4: training.precision = float32, the default; 8: float64).
   */
  record Layout(int cores, int tasksPerExecutor, int bytesPerValue) {
    Layout {
      if (cores < 1 || tasksPerExecutor < 1 || cores % tasksPerExecutor != 0) {
        throw new IllegalArgumentException(
            "tasks per executor must divide the cores, got " + tasksPerExecutor + " of " + cores);
      }
      if (bytesPerValue != 4 && bytesPerValue != 8) {
        throw new IllegalArgumentException("bytes per value must be 4 or 8, got " + bytesPerValue);
      }
    }

    /** One task per executor, its threads on all the cores: polyak's default. */
    static Layout taskPerExecutor(int cores, int bytesPerValue) {
      return new Layout(cores, 1, bytesPerValue);
    }

    /** One single-thread task per core (spark.threads_per_task = 1). */
    static Layout taskPerCore(int cores, int bytesPerValue) {
      return new Layout(cores, cores, bytesPerValue);
    }

    /** Gradient tasks (and, sharded, slices and slice reducers) of E executors. */
    int tasks(int executors) {
      return executors * tasksPerExecutor;
    }

    /** E.g. "1 task per executor × 8 threads, float32 (4 B/value)". */
    String describe() {
      String tasks =
          tasksPerExecutor == 1
              ? "1 task per executor × " + cores + " threads"
              : tasksPerExecutor + " tasks per executor (1 per core)";
      return tasks
          + ", "
          + (bytesPerValue == 4 ? "float32" : "float64")
          + " ("
          + bytesPerValue
          + " B/value)";
    }
  }

  /**
   * One communication-only point: mode, executors (= tasks per stage), P, bytes per value of the
   * broadcast θ, measured bytes, time.
   */
  record Point(
      boolean sharded,
      int executors,
      long parameters,
      int thetaBytesPerValue,
      double driverBytes,
      double shuffleReadBytes,
      double ms) {
    double[] features() {
      int tasks = sharded ? 2 * executors : executors;
      return new double[] {
        1,
        sharded ? 1 : 0,
        tasks,
        (double) thetaBytesPerValue * parameters,
        driverBytes,
        sharded ? shuffleReadBytes / executors : 0
      };
    }
  }

  /** Fitted constants, ms and ms per byte; {@code ce} in ms per example-parameter. */
  record Fit(
      double alpha,
      double alphaSharded,
      double sigma,
      double betaTheta,
      double betaDriver,
      double betaShuffle,
      double r2,
      double ce) {
    /**
     * The driver's inbound bytes per ms the fit implies (loopback, including (de)serialization).
     */
    double driverBytesPerMs() {
      return betaDriver > 0 ? 1 / betaDriver : Double.POSITIVE_INFINITY;
    }

    /** The same constants with another compute cost (another precision's c_e). */
    Fit withCe(double computePerExampleParameter) {
      return new Fit(
          alpha,
          alphaSharded,
          sigma,
          betaTheta,
          betaDriver,
          betaShuffle,
          r2,
          computePerExampleParameter);
    }
  }

  /** One projected configuration: E executors in a layout, examples per core, P; times in ms. */
  record Projection(
      boolean sharded,
      int executors,
      Layout layout,
      long parameters,
      int examplesPerCore,
      double computeMs,
      double schedulingMs,
      double bytesMs,
      double fixedMs) {
    double totalMs() {
      return computeMs + schedulingMs + bytesMs + fixedMs;
    }

    /** Weak-scaling efficiency: the executors' compute ÷ the whole iteration. */
    double efficiency() {
      return computeMs / totalMs();
    }
  }

  private CommunicationModel() {}

  /**
   * @param ce compute ms per example-parameter, measured separately (the real-compute points)
   */
  static Fit fit(List<Point> points, double ce) {
    double[][] x = new double[points.size()][];
    double[] y = new double[points.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = points.get(i).features();
      y[i] = points.get(i).ms();
    }
    double[] g = LeastSquares.solve(x, y);
    return new Fit(g[0], g[1], g[2], g[3], g[4], g[5], LeastSquares.r2(x, y, g), ce);
  }

  /**
   * E executors in {@code layout}, each core computing {@code examplesPerCore} examples (in the
   * one-task layout the task's threads each take a core's share; the in-task sum of their gradients
   * and any loss of thread scaling are not modelled). With t = E × tasks per executor gradient
   * tasks and b bytes per value: θ's broadcast is bP bytes, growing with the torrent's ⌈log2 E⌉
   * rounds beyond the 3 rounds measured (8 executors). Direct: the driver receives t gradients, t ×
   * bP bytes. Sharded: S = t slices, t map tasks and t reducers; the driver receives the S slice
   * sums in float64 (8P bytes), each reducer reads t slices of bP/S bytes (bP in all) and each
   * executor's link carries its reducers' tasks-per-executor × bP bytes. A byte costs the measured
   * per-byte cost or the assumed link's, whichever is larger. Negative fitted constants count as 0.
   */
  static Projection project(
      Fit f, boolean sharded, int executors, Layout layout, long parameters, int examplesPerCore) {
    double wire = 1 / LINK_BYTES_PER_MS;
    double theta = (double) layout.bytesPerValue() * parameters;
    int tasks = layout.tasks(executors);
    double compute = f.ce() * examplesPerCore * parameters;
    double scheduling = pos(f.sigma()) * (sharded ? 2 * tasks : tasks);
    double bytes = Math.max(pos(f.betaTheta()), wire) * theta * rounds(executors);
    if (sharded) {
      bytes += Math.max(pos(f.betaDriver()), wire) * SUM_BYTES_PER_VALUE * parameters;
      bytes += Math.max(pos(f.betaShuffle()) * theta, wire * layout.tasksPerExecutor() * theta);
    } else {
      bytes += Math.max(pos(f.betaDriver()), wire) * tasks * theta;
    }
    double fixed = pos(f.alpha()) + (sharded ? pos(f.alphaSharded()) : 0);
    return new Projection(
        sharded, executors, layout, parameters, examplesPerCore, compute, scheduling, bytes, fixed);
  }

  /** θ's broadcast cost relative to the 3 torrent rounds measured on 8 executors (at least 1). */
  static double rounds(int executors) {
    return Math.max(1, Math.ceil(Math.log(executors) / Math.log(2)) / 3);
  }

  /**
   * The driver's serial share, from the driver JVM's CPU time per iteration (communication-only
   * points): cpu = a + σ_cpu·tasks + β_cpu·driverBytes. Unlike the wall-time fit it is not inflated
   * by executors sharing this machine's cores: what the driver itself does per task and per byte.
   *
   * @param fixedMs the fixed cost assumed per iteration (the 1-worker empty job)
   */
  record DriverFit(double sigmaCpu, double betaCpu, double r2, double fixedMs, double ce) {
    /** The same constants with another compute cost (another precision's c_e). */
    DriverFit withCe(double computePerExampleParameter) {
      return new DriverFit(sigmaCpu, betaCpu, r2, fixedMs, computePerExampleParameter);
    }
  }

  /** Rows: tasks, driver inbound bytes, driver CPU ms. */
  static DriverFit fitDriver(List<double[]> rows, double fixedMs, double ce) {
    double[][] x = new double[rows.size()][];
    double[] y = new double[rows.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[] {1, rows.get(i)[0], rows.get(i)[1]};
      y[i] = rows.get(i)[2];
    }
    double[] g = LeastSquares.solve(x, y);
    return new DriverFit(g[1], g[2], LeastSquares.r2(x, y, g), fixedMs, ce);
  }

  /**
   * The same configuration bounded by the driver's serial work and the assumed link only: σ_cpu per
   * task, max(β_cpu, link) per byte into the driver (t × bP direct, 8P of float64 slice sums
   * sharded), θ's broadcast and the sharded shuffle at the link's speed (executors have cores of
   * their own on a real cluster), the fixed cost of an empty job.
   */
  static Projection projectDriverBound(
      DriverFit d,
      boolean sharded,
      int executors,
      Layout layout,
      long parameters,
      int examplesPerCore) {
    double wire = 1 / LINK_BYTES_PER_MS;
    double theta = (double) layout.bytesPerValue() * parameters;
    int tasks = layout.tasks(executors);
    double perByte = Math.max(pos(d.betaCpu()), wire);
    double bytes = wire * theta * rounds(executors);
    bytes +=
        sharded
            ? perByte * SUM_BYTES_PER_VALUE * parameters + wire * layout.tasksPerExecutor() * theta
            : perByte * tasks * theta;
    return new Projection(
        sharded,
        executors,
        layout,
        parameters,
        examplesPerCore,
        d.ce() * examplesPerCore * parameters,
        pos(d.sigmaCpu()) * (sharded ? 2 * tasks : tasks),
        bytes,
        pos(d.fixedMs()));
  }

  private static double pos(double v) {
    return Math.max(v, 0);
  }
}
