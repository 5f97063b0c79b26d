package polyak.spark.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Expands a {@link SweepSpec} into trials. Grid: every combination of the variants and the axes'
 * values (variants outermost, then axes by name, the last axis varying fastest). Random search:
 * {@code trials} draws of the params, each crossed with every grid point. Coarse-to-fine: new
 * ranges centred on each of the best {@code top} first-stage trials, {@code shrink} times the
 * original width (in log space for log_uniform), clipped to the original range; {@code trials}
 * draws round-robin over those centres.
 */
public final class SweepPlan {
  private SweepPlan() {}

  /** The grid points (variant + axes overrides); one empty point when there is no grid. */
  public static List<Trial> grid(SweepSpec spec) {
    List<String> variants =
        spec.variants().isEmpty()
            ? java.util.Collections.singletonList(null)
            : new ArrayList<>(spec.variants().keySet());
    List<Map<String, String>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<String>> axis : spec.axes().entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> p : points) {
        for (String v : axis.getValue()) {
          Map<String, String> q = new LinkedHashMap<>(p);
          q.put(axis.getKey(), v);
          next.add(q);
        }
      }
      points = next;
    }
    List<String> readable = new ArrayList<>(spec.axes().keySet());
    List<Trial> trials = new ArrayList<>();
    for (String variant : variants) {
      for (Map<String, String> p : points) {
        Map<String, String> o = new LinkedHashMap<>();
        if (variant != null) {
          o.putAll(spec.variants().get(variant));
        }
        o.putAll(p);
        trials.add(Trial.of(variant, "grid", o, readable));
      }
    }
    return trials;
  }

  /** The whole first stage: the grid, or each random draw crossed with every grid point. */
  public static List<Trial> firstStage(SweepSpec spec) {
    List<Trial> grid = grid(spec);
    SweepSpec.RandomSpec r = spec.random();
    if (r == null) {
      return grid;
    }
    if (r.perPoint()) {
      return perPoint(spec, grid, r);
    }
    Random rng = new Random(r.seed());
    List<Map<String, String>> draws = new ArrayList<>();
    for (int i = 0; i < r.trials(); i++) {
      Map<String, String> d = new LinkedHashMap<>();
      for (SweepSpec.Param p : r.params()) {
        d.put(p.key(), draw(p, p.min(), p.max(), rng));
      }
      draws.add(d);
    }
    return cross(spec, grid, draws, "random");
  }

  /**
   * {@code trials} draws for each grid point, from a stream seeded by (seed, the point's index): a
   * budget per point, and a point's draws do not change when other points are added after it.
   */
  private static List<Trial> perPoint(SweepSpec spec, List<Trial> grid, SweepSpec.RandomSpec r) {
    List<Trial> out = new ArrayList<>();
    for (int j = 0; j < grid.size(); j++) {
      // derived, not seed + j: java.util.Random's first draws from nearby seeds are alike
      Random rng = new Random(polyak.util.Seeds.derive(r.seed(), j));
      List<Map<String, String>> draws = new ArrayList<>();
      for (int i = 0; i < r.trials(); i++) {
        Map<String, String> d = new LinkedHashMap<>();
        for (SweepSpec.Param p : r.params()) {
          d.put(p.key(), draw(p, p.min(), p.max(), rng));
        }
        draws.add(d);
      }
      out.addAll(cross(spec, List.of(grid.get(j)), draws, "random"));
    }
    return out;
  }

  /** A first-stage trial with the score that ranks it (higher is better). */
  public record Scored(Trial trial, double score) {}

  /**
   * The refine stage: {@code refineTrials} draws around the best {@code refineTop} scored trials
   * (NaN scores — failed trials — never count). Empty when the spec has no refine block.
   */
  public static List<Trial> refine(SweepSpec spec, List<Scored> firstStage) {
    SweepSpec.RandomSpec r = spec.random();
    if (r == null || r.refineTop() == 0) {
      return List.of();
    }
    List<Scored> ranked = new ArrayList<>();
    for (Scored s : firstStage) {
      if (!Double.isNaN(s.score()) && s.trial().stage().equals("random")) {
        ranked.add(s);
      }
    }
    ranked.sort((a, b) -> Double.compare(b.score(), a.score()));
    List<Scored> top = ranked.subList(0, Math.min(r.refineTop(), ranked.size()));
    if (top.isEmpty()) {
      return List.of();
    }
    Random rng = new Random(r.seed() * 31 + 17);
    List<Map<String, String>> draws = new ArrayList<>();
    for (int i = 0; i < r.refineTrials(); i++) {
      Trial centre = top.get(i % top.size()).trial();
      Map<String, String> d = new LinkedHashMap<>();
      for (SweepSpec.Param p : r.params()) {
        String c = centre.overrides().get(p.key());
        if (p.dist() == SweepSpec.Dist.CHOICE) {
          d.put(p.key(), c);
        } else {
          double[] range = shrunkRange(p, Double.parseDouble(c), r.shrink());
          d.put(p.key(), draw(p, range[0], range[1], rng));
        }
      }
      draws.add(d);
    }
    return cross(spec, grid(spec), draws, "refine");
  }

  /**
   * The range of width {@code shrink} × the original, centred on {@code centre}, within the
   * original.
   */
  public static double[] shrunkRange(SweepSpec.Param p, double centre, double shrink) {
    if (p.dist() == SweepSpec.Dist.LOG_UNIFORM) {
      double lo = Math.log(p.min());
      double hi = Math.log(p.max());
      double half = (hi - lo) * shrink / 2;
      double c = Math.log(centre);
      return new double[] {Math.exp(Math.max(lo, c - half)), Math.exp(Math.min(hi, c + half))};
    }
    double half = (p.max() - p.min()) * shrink / 2;
    return new double[] {Math.max(p.min(), centre - half), Math.min(p.max(), centre + half)};
  }

  private static List<Trial> cross(
      SweepSpec spec, List<Trial> grid, List<Map<String, String>> draws, String stage) {
    List<String> readable = new ArrayList<>(spec.axes().keySet());
    List<Trial> out = new ArrayList<>();
    for (int i = 0; i < draws.size(); i++) {
      for (Trial g : grid) {
        Map<String, String> o = new LinkedHashMap<>(g.overrides());
        o.putAll(draws.get(i));
        String label = String.format(Locale.ROOT, "%s%02d", stage, i + 1);
        Trial t =
            Trial.of(g.variant() == null ? label : g.variant() + "_" + label, stage, o, readable);
        out.add(new Trial(t.id(), g.variant(), stage, o));
      }
    }
    return out;
  }

  private static String draw(SweepSpec.Param p, double min, double max, Random rng) {
    double u = rng.nextDouble();
    return switch (p.dist()) {
      case UNIFORM -> number(min + (max - min) * u);
      case LOG_UNIFORM -> number(Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * u));
      case CHOICE -> p.values().get(rng.nextInt(p.values().size()));
    };
  }

  /** Four significant digits: readable in ids and tables, and the same text on every expansion. */
  static String number(double v) {
    return Double.toString(Double.parseDouble(String.format(Locale.ROOT, "%.4g", v)));
  }
}
