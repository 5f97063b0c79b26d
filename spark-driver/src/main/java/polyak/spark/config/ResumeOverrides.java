package polyak.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Objects;

/**
 * Which overrides a resumed run accepts. A checkpoint's step count, optimizer state and data order
 * mean something only under the config they were saved with: an override that changes any other key
 * (say {@code training.batch_size}, which re-interprets the step count as other epochs) is refused
 * naming the key. Setting a key to the value it already has is always fine.
 */
public final class ResumeOverrides {
  /**
   * Keys (or key prefixes ending in '.') a resumed run may change: when to stop, checkpoint,
   * evaluate and where to write.
   */
  public static final List<String> ALLOWED =
      List.of(
          "training.epochs",
          "training.max_iterations",
          "checkpoint.every",
          "checkpoint.keep",
          "checkpoint.dir",
          "evaluation.",
          "output.dir");

  private ResumeOverrides() {}

  /** The key of a {@code key=value} override, as the user wrote it. */
  public static String key(String override) {
    int eq = override.indexOf('=');
    return (eq < 0 ? override : override.substring(0, eq)).strip().replace("\"", "");
  }

  public static boolean allowed(String key) {
    for (String a : ALLOWED) {
      if (a.endsWith(".")
          ? key.startsWith(a) || key.equals(a.substring(0, a.length() - 1))
          : key.equals(a)) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param stored the config stored in the checkpoint
   * @param resumed the stored config with {@code overrides} applied
   * @throws ConfigError naming the first override that changes a key outside {@link #ALLOWED}
   */
  public static void check(
      String stored, PolyakConfig resumed, List<String> overrides, String location) {
    Config before = ConfigFactory.parseString(stored);
    Config after = ConfigFactory.parseString(resumed.rendered());
    for (String o : overrides) {
      String key = key(o);
      if (allowed(key)) {
        continue;
      }
      Object was =
          before.hasPathOrNull(key) && !before.getIsNull(key)
              ? before.getValue(key).unwrapped()
              : null;
      Object now =
          after.hasPathOrNull(key) && !after.getIsNull(key)
              ? after.getValue(key).unwrapped()
              : null;
      if (!Objects.equals(was, now)) {
        throw new ConfigError(
            "command line: "
                + key
                + " cannot change on --resume ("
                + location
                + " was saved with "
                + was
                + "): it changes what the saved state means; keys a resumed run may change: "
                + String.join(", ", ALLOWED).replace("evaluation.", "evaluation.*"));
      }
    }
  }
}
