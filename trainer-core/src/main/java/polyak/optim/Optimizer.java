package polyak.optim;

/**
 * A first-order optimizer over polyak's flat parameter vector. All state is held in flat vectors
 * with the parameter layout (plus scalars), so steps are single-array loops that allocate nothing.
 */
public interface Optimizer extends Checkpointable {
  /** The config name ("adam", ...), also the tag of the saved state. */
  String name();

  /** Number of parameters this optimizer was built for. */
  int size();

  /**
   * Updates {@code theta} in place.
   *
   * @param gradient the already-averaged (and regularised / clipped) gradient, same layout as theta
   * @param t the step number, 1-based; schedules held by the optimizer are evaluated at {@code t -
   *     1}
   * @param learningRate ε for this step, usually {@code schedule.valueAt(t - 1)}
   */
  void step(double[] theta, double[] gradient, long t, double learningRate);
}
