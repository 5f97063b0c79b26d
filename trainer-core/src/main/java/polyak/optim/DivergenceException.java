package polyak.optim;

/**
 * Training produced a non-finite loss, gradient or parameter, or its loss or gradient norm exploded
 * by orders of magnitude; the message says where.
 */
public final class DivergenceException extends RuntimeException {
  private final long iteration;
  private final long firstSuspectStep;

  public DivergenceException(long iteration, String message) {
    // the loss and gradient of iteration t are those of the parameters after step t − 1
    this(iteration, iteration - 1, message);
  }

  public DivergenceException(long iteration, long firstSuspectStep, String message) {
    super(message);
    this.iteration = iteration;
    this.firstSuspectStep = firstSuspectStep;
  }

  public long iteration() {
    return iteration;
  }

  /**
   * Parameters (and checkpoints) of this step and later ones are suspect: the trouble had begun.
   * Those of the step before are the last known good.
   */
  public long firstSuspectStep() {
    return firstSuspectStep;
  }
}
