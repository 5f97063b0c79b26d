package polyak.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import polyak.data.Preprocessor;
import polyak.spec.NetworkSpec;

/**
 * A trained model as stored by {@link ModelFile}: the network spec, the flat trainable parameter
 * vector, non-trainable state (e.g. batch-norm running statistics), the optional feature
 * preprocessor and provenance (ordered key → value: config, seed, iterations, git commit, date,
 * polyak version...). Immutable: arrays are copied in and out.
 */
public final class SavedModel {
  private final NetworkSpec spec;
  private final double[] params;
  private final double[] state;
  private final Preprocessor preprocessor;
  private final Map<String, String> provenance;

  /**
   * @param preprocessor may be null (no preprocessing)
   * @throws IllegalArgumentException on a non-finite parameter or state value, a null provenance
   *     key or value, or a preprocessor fitted on a width other than the spec's input width
   */
  public SavedModel(
      NetworkSpec spec,
      double[] params,
      double[] state,
      Preprocessor preprocessor,
      Map<String, String> provenance) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.params = params.clone();
    this.state = state.clone();
    this.preprocessor = preprocessor;
    LinkedHashMap<String, String> p = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : provenance.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("provenance: null key or value in entry " + e);
      }
      p.put(e.getKey(), e.getValue());
    }
    this.provenance = Collections.unmodifiableMap(p);
    checkFinite("parameter", this.params);
    checkFinite("state", this.state);
    if (preprocessor != null
        && preprocessor.width() >= 0
        && preprocessor.outputWidth(preprocessor.width()) != spec.inputWidth()) {
      int out = preprocessor.outputWidth(preprocessor.width());
      throw new IllegalArgumentException(
          "preprocessor "
              + preprocessor
              + " was fitted on "
              + preprocessor.width()
              + " features"
              + (out == preprocessor.width() ? "" : " and yields " + out)
              + ", but the network's input width is "
              + spec.inputWidth());
    }
  }

  private static void checkFinite(String what, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(
            what + " " + i + " is " + values[i] + "; a model must be finite");
      }
    }
  }

  public NetworkSpec spec() {
    return spec;
  }

  /** The trainable parameters (a copy). */
  public double[] params() {
    return params.clone();
  }

  /** The parameters without a copy, for {@link ModelFile} only. */
  double[] paramsView() {
    return params;
  }

  double[] stateView() {
    return state;
  }

  public int paramCount() {
    return params.length;
  }

  /** The non-trainable state (a copy). */
  public double[] state() {
    return state.clone();
  }

  public Optional<Preprocessor> preprocessor() {
    return Optional.ofNullable(preprocessor);
  }

  /** Provenance in insertion order; unmodifiable. */
  public Map<String, String> provenance() {
    return provenance;
  }

  @Override
  public String toString() {
    return "SavedModel["
        + spec.layers().size()
        + " layers, "
        + params.length
        + " params, "
        + state.length
        + " state values, preprocessor "
        + (preprocessor == null ? "none" : preprocessor)
        + ", provenance "
        + provenance.keySet()
        + "]";
  }
}
