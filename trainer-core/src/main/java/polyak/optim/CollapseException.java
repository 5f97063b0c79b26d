package polyak.optim;

/**
 * Training collapsed: validation accuracy at chance level, or an exactly-zero gradient, for several
 * evaluations in a row. Unlike {@link DivergenceException} every value is finite; the run just no
 * longer learns. The message says what and since when.
 */
public final class CollapseException extends RuntimeException {
  private final long iteration;
  private final long firstSuspectStep;

  public CollapseException(long iteration, long firstSuspectStep, String message) {
    super(message);
    this.iteration = iteration;
    this.firstSuspectStep = firstSuspectStep;
  }

  public long iteration() {
    return iteration;
  }

  /** Parameters (and checkpoints) of this step and later ones are affected by the collapse. */
  public long firstSuspectStep() {
    return firstSuspectStep;
  }
}
