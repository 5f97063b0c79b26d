package polyak.spark.config;

/**
 * Config block {@code ensemble}: train {@code members} models as one bagged ensemble (0 or 1: a
 * single model), each on its bootstrap sample of the training data ({@code bootstrap}) or on all of
 * it with its own seed.
 */
public record EnsembleConfig(int members, boolean bootstrap) {
  public static final EnsembleConfig NONE = new EnsembleConfig(0, true);

  /** Whether this run trains an ensemble (more than one member). */
  public boolean active() {
    return members > 1;
  }
}
