package polyak.spark.train;

import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Inference;
import polyak.nn.Network;

/**
 * The executor side of inference over every block of a partition, for validation, {@code evaluate}
 * and {@code predict} alike: the network of the broadcast spec with the driver's dense kernel
 * ({@link ExecutorNetworks}), and {@link Inference}'s chunked path. Subclasses say what a partition
 * collects from the predictions (a fresh sink per partition) and what it returns.
 *
 * @param <T> what a partition returns
 * @param <P> the per-partition sink for predictions (null when only loss and accuracy are wanted)
 */
public abstract class ShardInference<T, P extends Inference.Predictions>
    implements FlatMapFunction<Iterator<Dataset>, T> {
  private final Broadcast<ModelBroadcast> model;
  private final String specText;
  private final String kernel;
  private final boolean score;

  /**
   * @param kernel the driver's dense kernel ({@code DenseKernels.name()} on the driver)
   * @param score whether to sum loss and correct counts (data without targets has none)
   */
  protected ShardInference(
      Broadcast<ModelBroadcast> model, String specText, String kernel, boolean score) {
    this.model = model;
    this.specText = specText;
    this.kernel = kernel;
    this.score = score;
  }

  @Override
  public final Iterator<T> call(Iterator<Dataset> blocks) {
    Network network = ExecutorNetworks.network(specText, kernel);
    ModelBroadcast m = model.value();
    P sink = sink(network.spec().outputWidth());
    BatchResult scored = BatchResult.EMPTY;
    while (blocks.hasNext()) {
      scored =
          scored.plus(
              Inference.run(
                  network,
                  m.params(),
                  m.normState(),
                  input(network, m, blocks.next()),
                  score,
                  sink));
    }
    return result(scored, sink);
  }

  /**
   * The rows to score for {@code block}: the block itself unless a subclass transforms it (e.g. an
   * attack).
   */
  protected Dataset input(Network network, ModelBroadcast m, Dataset block) {
    return block;
  }

  /** A fresh sink for this partition's predictions ({@code outputs} per row), or null for none. */
  protected abstract P sink(int outputs);

  /** This partition's result from its loss sums (empty unless scoring) and its sink. */
  protected abstract Iterator<T> result(BatchResult scored, P sink);
}
