package polyak.spark.bench;

import java.util.List;

/**
 * The scaling model refitted on real standalone clusters ({@link ClusterScaleBenchmark}): a
 * communication-only iteration (compute switched off) of a mode on N single-core executors costs
 *
 * <pre>
 *   T = α + α_s·[sharded] + σ·tasks + β_θ·8P + β_d·driverBytes + β_x·shuffleBytesPerReducer
 * </pre>
 *
 * with tasks the tasks of one iteration (N, or 2N for sharded: N map tasks and N slice reducers),
 * 8P the bytes of θ (broadcast out, the driver's sums), driverBytes the serialized task results the
 * driver receives (Spark's task metrics) and shuffleBytesPerReducer the shuffle bytes one slice
 * reducer reads. σ is the per-task scheduling cost, β_d the driver's per-byte inbound cost (its
 * effective link speed, 8/β_d bit per ms), β_x an executor's per-byte shuffle cost. Compute per
 * example-parameter, c_e, comes from the real-compute points on at most 2 workers (this machine has
 * 2 cores).
 */
final class CommunicationModel {
  /** Cross-machine bytes cost at least this much: an assumed 10 Gbit/s link, in ms per byte. */
  static final double LINK_BYTES_PER_MS = 10e9 / 8 / 1e3;

  /** One communication-only point: mode, executors (= tasks per stage), P, measured bytes, time. */
  record Point(
      boolean sharded,
      int executors,
      long parameters,
      double driverBytes,
      double shuffleReadBytes,
      double ms) {
    double[] features() {
      int tasks = sharded ? 2 * executors : executors;
      return new double[] {
        1,
        sharded ? 1 : 0,
        tasks,
        8.0 * parameters,
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
  }

  /** One projected configuration: E executors × cores, examples per core, P; times in ms. */
  record Projection(
      boolean sharded,
      int executors,
      int cores,
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
   * E executors of {@code cores} cores, one task per core (polyak's partitions), each core
   * computing {@code examplesPerCore} examples. Direct: the driver receives every task's gradient
   * (cores·E·8P bytes); sharded: S = cores·E slices, the driver receives 8P bytes, each reducer
   * reads cores·E slices of 8P/S bytes (8P in all) and each executor's link carries cores × that. A
   * byte costs the measured per-byte cost or the assumed link's, whichever is larger; θ's broadcast
   * grows with the torrent's ⌈log2 E⌉ rounds beyond the 3 rounds measured (8 executors). Negative
   * fitted constants count as 0.
   */
  static Projection project(
      Fit f, boolean sharded, int executors, int cores, long parameters, int examplesPerCore) {
    double wire = 1 / LINK_BYTES_PER_MS;
    double theta = 8.0 * parameters;
    int tasks = executors * cores;
    double compute = f.ce() * examplesPerCore * parameters;
    double scheduling = pos(f.sigma()) * (sharded ? 2 * tasks : tasks);
    double rounds = Math.max(1, Math.ceil(Math.log(executors) / Math.log(2)) / 3);
    double bytes = Math.max(pos(f.betaTheta()), wire) * theta * rounds;
    if (sharded) {
      bytes += Math.max(pos(f.betaDriver()), wire) * theta;
      bytes += Math.max(pos(f.betaShuffle()) * theta, wire * cores * theta);
    } else {
      bytes += Math.max(pos(f.betaDriver()), wire) * tasks * theta;
    }
    double fixed = pos(f.alpha()) + (sharded ? pos(f.alphaSharded()) : 0);
    return new Projection(
        sharded, executors, cores, parameters, examplesPerCore, compute, scheduling, bytes, fixed);
  }

  /**
   * The driver's serial share, from the driver JVM's CPU time per iteration (communication-only
   * points): cpu = a + σ_cpu·tasks + β_cpu·driverBytes. Unlike the wall-time fit it is not inflated
   * by executors sharing this machine's cores: what the driver itself does per task and per byte.
   *
   * @param fixedMs the fixed cost assumed per iteration (the 1-worker empty job)
   */
  record DriverFit(double sigmaCpu, double betaCpu, double r2, double fixedMs, double ce) {}

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
   * task, max(β_cpu, link) per byte into the driver, θ's broadcast and the sharded shuffle at the
   * link's speed (executors have cores of their own on a real cluster), the fixed cost of an empty
   * job.
   */
  static Projection projectDriverBound(
      DriverFit d,
      boolean sharded,
      int executors,
      int cores,
      long parameters,
      int examplesPerCore) {
    double wire = 1 / LINK_BYTES_PER_MS;
    double theta = 8.0 * parameters;
    int tasks = executors * cores;
    double rounds = Math.max(1, Math.ceil(Math.log(executors) / Math.log(2)) / 3);
    double perByte = Math.max(pos(d.betaCpu()), wire);
    double bytes = wire * theta * rounds;
    bytes += sharded ? perByte * theta + wire * cores * theta : perByte * tasks * theta;
    return new Projection(
        sharded,
        executors,
        cores,
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
