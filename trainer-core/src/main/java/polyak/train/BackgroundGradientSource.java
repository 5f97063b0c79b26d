package polyak.train;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import polyak.nn.BatchResult;

/**
 * A {@link GradientSource} whose {@link #submit} runs the wrapped source's gradient on a driver
 * thread of its own, so the caller can step and evaluate while it runs, and up to {@link #THREADS}
 * gradients run at once (Spark jobs then overlap each other's scheduling and result transfer with
 * compute). Each runs on copies of θ taken when it is submitted, so its sums are those the wrapped
 * source computes in the calling thread; the wrapped source must allow concurrent {@link #gradient}
 * calls (the Spark source does: one broadcast per job).
 */
public final class BackgroundGradientSource implements GradientSource, AutoCloseable {
  private final GradientSource source;

  /** Gradients in flight at most: the delayed loop keeps two. */
  public static final int THREADS = 2;

  private final ThreadPoolExecutor thread =
      new ThreadPoolExecutor(
          THREADS,
          THREADS,
          1,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          r -> {
            Thread t = new Thread(r, "polyak-gradient");
            t.setDaemon(true);
            return t;
          });

  /** Threads end after a second without work, so an unclosed source leaves nothing behind. */
  public BackgroundGradientSource(GradientSource source) {
    this.source = source;
    thread.allowCoreThreadTimeOut(true);
  }

  @Override
  public PendingGradient submit(long t, double[] params, double[] normState) {
    double[] p = params.clone();
    double[] s = normState.clone();
    double[] gradientSum = new double[p.length];
    double[] normStatsSum = new double[s.length];
    Future<GradientResult> job =
        thread.submit(() -> source.gradient(t, p, s, gradientSum, normStatsSum));
    return new PendingGradient() {
      @Override
      public GradientResult await(double[] g, double[] stats) {
        GradientResult result = result(job);
        System.arraycopy(gradientSum, 0, g, 0, g.length);
        System.arraycopy(normStatsSum, 0, stats, 0, stats.length);
        return result;
      }

      @Override
      public void discard() {
        try {
          result(job);
        } catch (RuntimeException e) {
          // the run is ending anyway; a failure of a gradient nobody uses changes nothing
        }
      }
    };
  }

  private static GradientResult result(Future<GradientResult> job) {
    try {
      return job.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a gradient", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public GradientResult gradient(
      long t, double[] params, double[] normState, double[] gradientSum, double[] normStatsSum) {
    return source.gradient(t, params, normState, gradientSum, normStatsSum);
  }

  @Override
  public BatchResult fullGradient(
      double[] params, double[] normState, double[] gradientSum, double[] normStatsSum) {
    return source.fullGradient(params, normState, gradientSum, normStatsSum);
  }

  @Override
  public BatchResult evaluate(double[] params, double[] normState) {
    return source.evaluate(params, normState);
  }

  @Override
  public long iterationsPerEpoch() {
    return source.iterationsPerEpoch();
  }

  /** Stops the threads (after any gradient still running); the wrapped source stays open. */
  @Override
  public void close() {
    thread.shutdown();
  }
}
