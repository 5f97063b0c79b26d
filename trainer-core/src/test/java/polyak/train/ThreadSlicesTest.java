package polyak.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;

class ThreadSlicesTest {
  static final NetworkSpec SPEC =
      SpecParser.network(
          "test",
          """
      input 5
      dense 8
      batchnorm
      tanh
      dropout 0.8
      dense 3
      loss softmax_ce
      """);

  @Test
  void sliceBoundariesArePureFunctionsOfShareAndThreads() {
    assertEquals(
        Arrays.asList(0, 3, 6, 10),
        Arrays.asList(
            ThreadSlices.start(10, 3, 0),
            ThreadSlices.start(10, 3, 1),
            ThreadSlices.start(10, 3, 2),
            ThreadSlices.start(10, 3, 3)));
    // a share smaller than T leaves empty slices
    assertEquals(0, ThreadSlices.start(1, 2, 1));
    assertEquals(1, ThreadSlices.start(1, 2, 2));
  }

  /** Side by side on a pool (a network per thread) gives the bits of one after another. */
  @Test
  void parallelSlicesEqualSequentialSlicesBitForBit() {
    SplittableRandom rng = new SplittableRandom(1);
    int rows = 37;
    double[] x = new double[rows * 5];
    int[] y = new int[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    for (int r = 0; r < rows; r++) {
      y[r] = rng.nextInt(3);
    }
    Dataset data = Dataset.classification("synthetic", 5, x, y, 3, 0);
    Network shared = Network.build(SPEC);
    double[] params = new double[shared.parameterCount()];
    double[] state = new double[shared.stateSize()];
    shared.initialise(2, params, state);
    int[] order = new int[rows];
    for (int r = 0; r < rows; r++) {
      order[r] = (r * 7) % rows;
    }
    ThreadLocal<Network> perThread = ThreadLocal.withInitial(() -> Network.build(SPEC));

    for (int threads : new int[] {2, 3}) {
      double[] seqGrad = new double[params.length];
      double[] seqStats = new double[state.length];
      BatchResult seq =
          new ThreadSlices(threads, params.length, state.length)
              .gradient(
                  rows,
                  (k, from, count, g, s) ->
                      shared.gradient(params, state, data, order, from, count, 9, g, s),
                  null,
                  seqGrad,
                  seqStats);
      double[] parGrad = new double[params.length];
      double[] parStats = new double[state.length];
      ExecutorService pool = Executors.newFixedThreadPool(2);
      BatchResult par;
      try {
        par =
            new ThreadSlices(threads, params.length, state.length)
                .gradient(
                    rows,
                    (k, from, count, g, s) ->
                        perThread.get().gradient(params, state, data, order, from, count, 9, g, s),
                    pool,
                    parGrad,
                    parStats);
      } finally {
        pool.shutdown();
      }
      assertEquals(seq, par);
      assertEquals(rows, par.count());
      assertArrayEquals(seqGrad, parGrad);
      assertArrayEquals(seqStats, parStats);

      // and batch norm over slices is not batch norm over the whole share
      double[] whole = new double[params.length];
      shared.gradient(params, state, data, order, 0, rows, 9, whole, new double[state.length]);
      assertTrue(Arrays.compare(whole, seqGrad) != 0);
    }
  }
}
