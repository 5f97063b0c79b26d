package polyak.spark.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The study's points when trials run to a validation-accuracy target: per rule (the variant, or
 * "all trials") and batch size, the best trial — fewest steps to the target, ties to the earlier —
 * among those tuned for that batch, with how many of them reached the target at all.
 */
public final class StepsToTarget {
  private StepsToTarget() {}

  /**
   * One batch size's point.
   *
   * @param best the trial with the fewest steps to target, or null when none reached it
   * @param reached trials of this batch that reached the target
   * @param trials trials of this batch
   */
  public record Point(int batchSize, TrialResult best, int reached, int trials) {
    public boolean isReached() {
      return best != null;
    }
  }

  /** Per rule, its points by increasing batch size; rows without a target are left out. */
  public static Map<String, List<Point>> perBatch(List<TrialResult> rows) {
    Map<String, Map<Integer, List<TrialResult>>> groups = new TreeMap<>();
    for (TrialResult r : rows) {
      if (Double.isFinite(r.targetAccuracy()) && r.batchSize() > 0) {
        groups
            .computeIfAbsent(r.variant() == null ? "all trials" : r.variant(), k -> new TreeMap<>())
            .computeIfAbsent(r.batchSize(), k -> new ArrayList<>())
            .add(r);
      }
    }
    Map<String, List<Point>> out = new TreeMap<>();
    groups.forEach(
        (rule, byBatch) -> {
          List<Point> points = new ArrayList<>();
          byBatch.forEach(
              (batch, trials) -> {
                TrialResult best = null;
                int reached = 0;
                for (TrialResult t : trials) {
                  if (t.reachedTarget()) {
                    reached++;
                    if (best == null || t.targetStep() < best.targetStep()) {
                      best = t;
                    }
                  }
                }
                points.add(new Point(batch, best, reached, trials.size()));
              });
          out.put(rule, points);
        });
    return out;
  }

  /**
   * The noise scale the study's points report: the median over the best trials of B_simple at their
   * target step; NaN when none was logged.
   */
  public static double noiseScale(List<Point> points) {
    List<Double> v = new ArrayList<>();
    for (Point p : points) {
      if (p.isReached() && Double.isFinite(p.best().noiseScale())) {
        v.add(p.best().noiseScale());
      }
    }
    if (v.isEmpty()) {
      return Double.NaN;
    }
    v.sort(Double::compare);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }
}
