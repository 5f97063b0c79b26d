package polyak.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the text forms of {@link LayerSpec}, {@link LossSpec} and {@link NetworkSpec}. */
public final class SpecParser {
  private SpecParser() {}

  /** Parses one layer line; {@code field} (e.g. "network.layers[2]") prefixes every error. */
  public static LayerSpec layer(String field, String line) {
    String[] tok = line.trim().split("\\s+");
    String kind = tok[0].toLowerCase(Locale.ROOT);
    List<String> positional = new ArrayList<>();
    Map<String, String> named = new HashMap<>();
    for (int i = 1; i < tok.length; i++) {
      int eq = tok[i].indexOf('=');
      if (eq > 0) {
        named.put(tok[i].substring(0, eq).toLowerCase(Locale.ROOT), tok[i].substring(eq + 1));
      } else {
        positional.add(tok[i]);
      }
    }
    String f = field + " ('" + line.trim() + "')";
    LayerSpec spec;
    switch (kind) {
      case "dense" -> {
        int width = integer(f, "width", required(f, "width", positional, 0));
        Initialiser init =
            named.containsKey("init")
                ? Initialiser.parse(f + " init", named.remove("init"))
                : Initialiser.AUTO;
        double sigma =
            named.containsKey("sigma") ? number(f, "sigma", named.remove("sigma")) : 0.01;
        spec = new LayerSpec.Dense(width, init, sigma);
        positional.remove(0);
      }
      case "maxout" -> {
        spec = new LayerSpec.Maxout(integer(f, "pieces", required(f, "pieces", positional, 0)));
        positional.remove(0);
      }
      case "batchnorm" ->
          spec =
              new LayerSpec.BatchNorm(
                  named.containsKey("momentum")
                      ? number(f, "momentum", named.remove("momentum"))
                      : 0.9,
                  named.containsKey("eps") ? number(f, "eps", named.remove("eps")) : 1e-5);
      case "layernorm" ->
          spec =
              new LayerSpec.LayerNorm(
                  named.containsKey("eps") ? number(f, "eps", named.remove("eps")) : 1e-5);
      case "groupnorm" -> {
        spec =
            new LayerSpec.GroupNorm(
                integer(f, "group size", required(f, "group size", positional, 0)),
                named.containsKey("eps") ? number(f, "eps", named.remove("eps")) : 1e-5);
        positional.remove(0);
      }
      case "dropout" -> {
        spec =
            new LayerSpec.Dropout(
                number(f, "keep probability p", required(f, "keep probability p", positional, 0)));
        positional.remove(0);
      }
      default -> {
        ActivationKind a = ActivationKind.find(kind);
        if (a == null) {
          throw new SpecException(
              f
                  + ": unknown layer or activation '"
                  + tok[0]
                  + "' (expected dense, sigmoid,"
                  + " tanh, relu, leaky_relu, elu, identity, maxout, batchnorm, layernorm, groupnorm or dropout)");
        }
        if ((a == ActivationKind.LEAKY_RELU || a == ActivationKind.ELU) && !positional.isEmpty()) {
          spec = new LayerSpec.Activation(a, number(f, "alpha", positional.remove(0)));
        } else {
          spec = new LayerSpec.Activation(a);
        }
      }
    }
    if (!positional.isEmpty() || !named.isEmpty()) {
      throw new SpecException(
          f
              + ": unexpected argument(s) "
              + positional
              + (named.isEmpty() ? "" : " " + named.keySet()));
    }
    return spec;
  }

  /** Parses a loss such as {@code softmax_ce smoothing=0.1}. */
  public static LossSpec loss(String field, String line) {
    String[] tok = line.trim().split("\\s+");
    String f = field + " ('" + line.trim() + "')";
    LossSpec.Kind kind = null;
    for (LossSpec.Kind k : LossSpec.Kind.values()) {
      if (k.key().equals(tok[0].toLowerCase(Locale.ROOT))) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new SpecException(
          f + ": unknown loss '" + tok[0] + "' (expected softmax_ce, mse or l1)");
    }
    double smoothing = 0;
    for (int i = 1; i < tok.length; i++) {
      if (kind == LossSpec.Kind.SOFTMAX_CE && tok[i].startsWith("smoothing=")) {
        smoothing = number(f, "smoothing", tok[i].substring("smoothing=".length()));
      } else {
        throw new SpecException(f + ": unexpected argument '" + tok[i] + "'");
      }
    }
    return new LossSpec(kind, smoothing);
  }

  /** Parses the multi-line form written by {@link NetworkSpec#text()}. */
  public static NetworkSpec network(String source, String text) {
    int input = -1;
    LossSpec loss = null;
    List<LayerSpec> layers = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty()) {
        continue;
      }
      String field = source + " line " + (i + 1);
      if (line.startsWith("input ")) {
        input = integer(field, "input width", line.substring(6).trim());
      } else if (line.startsWith("loss ")) {
        loss = loss(field, line.substring(5));
      } else {
        layers.add(layer(field, line));
      }
    }
    if (input < 0) {
      throw new SpecException(source + ": missing 'input' line");
    }
    return new NetworkSpec(input, layers, loss);
  }

  private static String required(String field, String what, List<String> positional, int index) {
    if (positional.size() <= index) {
      throw new SpecException(field + ": missing " + what);
    }
    return positional.get(index);
  }

  static int integer(String field, String what, String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new SpecException(field + ": " + what + " must be an integer, got '" + s + "'");
    }
  }

  static double number(String field, String what, String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new SpecException(field + ": " + what + " must be a number, got '" + s + "'");
    }
  }
}
