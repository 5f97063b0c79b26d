package polyak.spec;

import java.util.Locale;

/** Element-wise activations. Maxout is a layer of its own (it changes the width). */
public enum ActivationKind {
  SIGMOID,
  TANH,
  RELU,
  LEAKY_RELU,
  ELU,
  IDENTITY;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean reluFamily() {
    return this == RELU || this == LEAKY_RELU || this == ELU;
  }

  public static ActivationKind find(String key) {
    for (ActivationKind k : values()) {
      if (k.key().equals(key)) {
        return k;
      }
    }
    return null;
  }
}
