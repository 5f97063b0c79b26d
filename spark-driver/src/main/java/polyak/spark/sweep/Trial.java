package polyak.spark.sweep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One trial of a sweep: config overrides (key → HOCON value) on top of the base config, the variant
 * it belongs to (or null) and its stage (grid, random, refine). The id is readable and stable: the
 * variant, the axis values, and a short hash of all overrides, so the same overrides always map to
 * the same trial directory.
 */
public record Trial(String id, String variant, String stage, Map<String, String> overrides) {

  public Trial {
    overrides = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(overrides));
  }

  /**
   * @param readable keys whose values go into the readable part of the id (e.g. the grid axes)
   */
  public static Trial of(
      String variant, String stage, Map<String, String> overrides, List<String> readable) {
    StringBuilder name = new StringBuilder();
    if (variant != null) {
      name.append(variant);
    } else if (!stage.equals("grid")) {
      name.append(stage);
    }
    for (String k : readable) {
      String v = overrides.get(k);
      if (v != null) {
        if (name.length() > 0) {
          name.append('_');
        }
        name.append(k.substring(k.lastIndexOf('.') + 1)).append('=').append(v.replace("\"", ""));
      }
    }
    String clean = name.toString().replaceAll("[^A-Za-z0-9._=-]", "");
    if (clean.length() > 80) {
      clean = clean.substring(0, 80);
    }
    String id = (clean.isEmpty() ? "" : clean + "-") + hash(overrides);
    return new Trial(id, variant, stage, overrides);
  }

  /** The overrides as {@code key=value} strings for ConfigLoader, the sweep-only keys left out. */
  public List<String> configOverrides() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (!e.getKey().equals(SweepSpec.WARMUP_EPOCHS)
          && !e.getKey().equals(SweepSpec.EVALUATE_EPOCHS)) {
        out.add(e.getKey() + "=" + e.getValue());
      }
    }
    return out;
  }

  /** Overrides as "k=v; k=v" for tables. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    overrides.forEach((k, v) -> parts.add(k + "=" + v.replace("\"", "")));
    return String.join("; ", parts);
  }

  /** Short hash of the overrides, independent of their order. */
  static String hash(Map<String, String> overrides) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(overrides).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 3);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
