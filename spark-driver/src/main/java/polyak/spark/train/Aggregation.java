package polyak.spark.train;

import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How the partitions' gradient sums reach the driver (spark.aggregation):
 *
 * <ul>
 *   <li>{@code DIRECT}: every task's whole result to the driver, added there in partition order
 *       (the driver receives partitions × P values);
 *   <li>{@code TREE}: partitions summed in fixed groups of ⌈√partitions⌉ in a shuffle stage, the
 *       group sums added on the driver (√partitions × P values; a different order of additions, so
 *       the last bits differ from the local oracle);
 *   <li>{@code SHARDED}: reduce-scatter through a shuffle — each task's result cut into {@code
 *       slices} slices, slice s of every partition summed in partition order by one reducer, the
 *       driver receives the slice sums (P values whatever the number of partitions), bit-identical
 *       to DIRECT ({@link ShardedAggregation});
 *   <li>{@code AUTO}: resolved when the gradient source starts ({@link #resolve}).
 * </ul>
 *
 * @param slices for SHARDED, the number of slices (0: the number of executors)
 */
public record Aggregation(Mode mode, int slices) {
  public enum Mode {
    DIRECT,
    TREE,
    SHARDED,
    AUTO
  }

  /**
   * AUTO picks SHARDED on a cluster when partitions × parameters reaches this many values (8 MB of
   * gradients per iteration into the driver). Below it the extra shuffle stage costs more than the
   * driver's inbound traffic it saves — see the issue-13 section of BENCHMARKS.md for the measured
   * stage cost and the link speed this assumes.
   */
  public static final long AUTO_SHARDED_VALUES = 1_000_000L;

  public Aggregation {
    if (slices < 0) {
      throw new IllegalArgumentException("aggregation slices must be at least 0, got " + slices);
    }
  }

  /** The pre-issue-13 setting spark.aggregation_depth: 1 direct, 2 tree. */
  public static Aggregation ofDepth(int depth) {
    if (depth < 1 || depth > 2) {
      throw new IllegalArgumentException("aggregation depth must be 1 or 2, got " + depth);
    }
    return new Aggregation(depth == 1 ? Mode.DIRECT : Mode.TREE, 0);
  }

  /** {@code direct | tree | sharded | auto}, or null when {@code name} is none of them. */
  public static Mode mode(String name) {
    for (Mode m : Mode.values()) {
      if (m.name().toLowerCase(Locale.ROOT).equals(name)) {
        return m;
      }
    }
    return null;
  }

  /**
   * The mode this run uses: AUTO becomes DIRECT on a local master (driver and executors share one
   * JVM, so the driver's inbound bytes cost no network and the shuffle stage is pure overhead) and
   * on a cluster while partitions × parameters stays below {@link #AUTO_SHARDED_VALUES}, SHARDED
   * above it; SHARDED gets its slice count (0: the executors, at least 1, at most the values).
   */
  public Aggregation resolve(JavaSparkContext sc, int partitions, long values) {
    Mode m = mode;
    if (m == Mode.AUTO) {
      m =
          !sc.sc().isLocal() && partitions > 1 && (long) partitions * values >= AUTO_SHARDED_VALUES
              ? Mode.SHARDED
              : Mode.DIRECT;
    }
    if (m != Mode.SHARDED) {
      return new Aggregation(m, 0);
    }
    int s = slices > 0 ? slices : executors(sc);
    return new Aggregation(m, (int) Math.max(1, Math.min(s, values)));
  }

  /** Executors registered now (without the driver); on a local master its cores. */
  private static int executors(JavaSparkContext sc) {
    if (sc.sc().isLocal()) {
      return Math.max(1, sc.defaultParallelism());
    }
    int registered = sc.sc().statusTracker().getExecutorInfos().length - 1;
    return registered > 0 ? registered : Math.max(1, sc.defaultParallelism());
  }

  /** For the startup line: {@code direct}, {@code tree}, {@code sharded (4 slices)}. */
  public String describe() {
    String name = mode.name().toLowerCase(Locale.ROOT);
    return mode == Mode.SHARDED
        ? name + " (" + slices + " slice" + (slices == 1 ? ")" : "s)")
        : name;
  }
}
