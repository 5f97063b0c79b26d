package polyak.optim;

/** Training produced a non-finite loss, gradient or parameter; the message says where. */
public final class DivergenceException extends RuntimeException {
  private final long iteration;

  public DivergenceException(long iteration, String message) {
    super(message);
    this.iteration = iteration;
  }

  public long iteration() {
    return iteration;
  }
}
