package polyak.train;

import java.util.ArrayDeque;

/**
 * The gradients of the delayed-gradient mode ({@code training.gradient_delay = 1}): the step of
 * iteration t applies minibatch t's gradient computed at θ_{t−1} ({@link
 * TrainingState#laggedParameters}; θ_0 for t = 0). Minibatch t+1's gradient, at θ_t, is submitted
 * before waiting for minibatch t's, so with a source that runs gradients in the background ({@link
 * BackgroundGradientSource}) two gradient jobs are in flight — one computing while the other is
 * scheduled or returns its result — and the driver's step, evaluation and checkpoints overlap them.
 * Still one gradient and one step per minibatch, and the parameters depend only on the sums, so the
 * in-JVM source (which computes each gradient when it is submitted) is the oracle of the Spark
 * loop.
 *
 * <p>With {@code training.gradient_prediction} minibatch t+1's gradient is computed at θ_t + (θ_t −
 * θ_{t−1}) instead ({@link TrainingState#nextGradientPoint}): θ_{t+1} predicted from the last step,
 * which with Adam's correlated steps is much closer to θ_{t+1} than θ_t is.
 *
 * <p>Step t's batch-norm running statistics are minibatch t's, at θ_{t−1}; evaluations, early
 * stopping and the noise scale see the parameters after each step as in the synchronous mode. A
 * checkpoint holds θ_{t−1}, so a resumed run resubmits minibatch t at it and continues as the
 * uninterrupted run would. A run that ends with gradients in flight (the target, early stopping, a
 * failure) waits for them and drops them.
 */
final class DelayedGradients implements AutoCloseable {
  private final GradientSource source;
  private final TrainingState state;

  /** Submitted gradients in minibatch order; the first is minibatch {@code state.step()}'s. */
  private final ArrayDeque<PendingGradient> inFlight = new ArrayDeque<>();

  DelayedGradients(GradientSource source, TrainingState state) {
    this.source = source;
    this.state = state;
  }

  /**
   * Minibatch {@code state.step()}'s gradient sums into the two arrays, after submitting the next
   * minibatch at the current θ unless the run ends at {@code total} iterations.
   */
  GradientResult next(long total, double[] gradientSum, double[] normStatsSum) {
    long t = state.step();
    if (inFlight.isEmpty()) {
      inFlight.add(source.submit(t, state.laggedParameters(), state.laggedNormState()));
    }
    if (t + 1 < total) {
      inFlight.add(source.submit(t + 1, state.nextGradientPoint(), state.normState()));
    }
    return inFlight.poll().await(gradientSum, normStatsSum);
  }

  @Override
  public void close() {
    while (!inFlight.isEmpty()) {
      inFlight.poll().discard();
    }
  }
}
