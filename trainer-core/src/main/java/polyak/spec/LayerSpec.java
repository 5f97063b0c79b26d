package polyak.spec;

/**
 * One layer of a network spec. Text form (one per entry of a config's {@code layers} list): {@code
 * dense 128 [init=he_normal] [sigma=0.01]}, {@code relu}, {@code sigmoid}, {@code tanh}, {@code
 * leaky_relu [0.01]}, {@code elu [1.0]}, {@code identity}, {@code maxout 2}, {@code batchnorm
 * [momentum=0.9] [eps=1e-5]}, {@code layernorm [eps=1e-5]}, {@code groupnorm 4 [eps=1e-5]}, {@code
 * dropout 0.5} (the keep probability p).
 */
public sealed interface LayerSpec {
  /** Canonical text form; {@link SpecParser#layer} reads it back to an equal spec. */
  String text();

  record Dense(int width, Initialiser init, double sigma) implements LayerSpec {
    public Dense(int width) {
      this(width, Initialiser.AUTO, 0.01);
    }

    public String text() {
      return "dense " + width + " init=" + init.key() + " sigma=" + sigma;
    }
  }

  record Activation(ActivationKind kind, double alpha) implements LayerSpec {
    public Activation(ActivationKind kind) {
      this(kind, kind == ActivationKind.LEAKY_RELU ? 0.01 : kind == ActivationKind.ELU ? 1.0 : 0.0);
    }

    public String text() {
      return kind == ActivationKind.LEAKY_RELU || kind == ActivationKind.ELU
          ? kind.key() + " " + alpha
          : kind.key();
    }
  }

  /** Max over groups of {@code pieces} consecutive units: width in → in / pieces. */
  record Maxout(int pieces) implements LayerSpec {
    public String text() {
      return "maxout " + pieces;
    }
  }

  /** Running statistics follow r ← momentum·r + (1 − momentum)·batch. */
  record BatchNorm(double momentum, double eps) implements LayerSpec {
    public BatchNorm() {
      this(0.9, 1e-5);
    }

    public String text() {
      return "batchnorm momentum=" + momentum + " eps=" + eps;
    }
  }

  record LayerNorm(double eps) implements LayerSpec {
    public LayerNorm() {
      this(1e-5);
    }

    public String text() {
      return "layernorm eps=" + eps;
    }
  }

  /** Normalisation over groups of {@code groupSize} consecutive units of each example. */
  record GroupNorm(int groupSize, double eps) implements LayerSpec {
    public GroupNorm(int groupSize) {
      this(groupSize, 1e-5);
    }

    public String text() {
      return "groupnorm " + groupSize + " eps=" + eps;
    }
  }

  /** Inverted dropout with keep probability p in (0, 1]; the identity at inference. */
  record Dropout(double keep) implements LayerSpec {
    public String text() {
      return "dropout " + keep;
    }
  }
}
