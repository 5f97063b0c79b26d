package polyak.train;

/**
 * The gradients of the delayed-gradient mode ({@code training.gradient_delay = 1}): the step of
 * iteration t applies minibatch t's gradient computed at θ_{t−1} ({@link
 * TrainingState#laggedParameters}; θ_0 for t = 0). Minibatch t+1's gradient, at θ_t, is submitted
 * before step t, so a source that runs it in the background ({@link BackgroundGradientSource})
 * computes it while the driver steps, evaluates and checkpoints. Still one gradient and one step
 * per minibatch, and the parameters depend only on the sums, so the in-JVM source (which computes
 * each gradient when it is submitted) is the oracle of the Spark loop.
 *
 * <p>Step t's batch-norm running statistics are minibatch t's, at θ_{t−1}; evaluations, early
 * stopping and the noise scale see the parameters after each step as in the synchronous mode. A
 * checkpoint holds θ_{t−1}, so a resumed run resubmits minibatch t at it and continues as the
 * uninterrupted run would. A run that ends with a gradient in flight (the target, early stopping, a
 * failure) waits for it and drops it.
 */
final class DelayedGradients implements AutoCloseable {
  private final GradientSource source;
  private final TrainingState state;
  private PendingGradient pending;

  DelayedGradients(GradientSource source, TrainingState state) {
    this.source = source;
    this.state = state;
  }

  /**
   * Minibatch {@code state.step()}'s gradient sums into the two arrays; submits the next minibatch
   * at the current θ unless the run ends at {@code total} iterations.
   */
  GradientResult next(long total, double[] gradientSum, double[] normStatsSum) {
    long t = state.step();
    if (pending == null) {
      pending = source.submit(t, state.laggedParameters(), state.laggedNormState());
    }
    GradientResult g = pending.await(gradientSum, normStatsSum);
    pending = null;
    if (t + 1 < total) {
      pending = source.submit(t + 1, state.parameters(), state.normState());
    }
    return g;
  }

  @Override
  public void close() {
    if (pending != null) {
      PendingGradient p = pending;
      pending = null;
      p.discard();
    }
  }
}
