package polyak.train;

import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.spec.NetworkSpec;

/**
 * Single-JVM minibatch training: the reference loop. By default the training set is one partition;
 * {@link #train(Dataset[], Dataset, TrainingListener)} takes the partitions a Spark run would have,
 * so it reproduces that run's global minibatches exactly.
 */
public final class LocalTrainer {
  private final NetworkSpec spec;
  private final TrainingConfig config;
  private final Teacher teacher;
  private final Precision precision;

  public LocalTrainer(NetworkSpec spec, TrainingConfig config) {
    this(spec, config, null);
  }

  /** Distilling from {@code teacher} (null: plain training). */
  public LocalTrainer(NetworkSpec spec, TrainingConfig config, Teacher teacher) {
    this(spec, config, teacher, Precision.FLOAT64);
  }

  private LocalTrainer(
      NetworkSpec spec, TrainingConfig config, Teacher teacher, Precision precision) {
    this.precision = precision;
    this.spec = spec;
    this.config = config;
    this.teacher = teacher;
  }

  /**
   * This trainer with its gradient steps in {@code p} (float64 unless set): the oracle of a Spark
   * run with training.precision = p.
   */
  public LocalTrainer inPrecision(Precision p) {
    return new LocalTrainer(spec, config, teacher, p);
  }

  public TrainResult train(Dataset training, Dataset validation, TrainingListener listener) {
    return train(new Dataset[] {training}, validation, listener);
  }

  public TrainResult train(Dataset[] partitions, Dataset validation, TrainingListener listener) {
    Network network = Network.build(spec, precision);
    LocalGradientSource source =
        new LocalGradientSource(
            network,
            partitions,
            validation,
            config.seed(),
            config.batchSize(),
            config.adversarial(),
            teacher);
    TrainingState state = TrainingState.initial(network, config, source.iterationsPerEpoch());
    return TrainingLoop.run(state, source, listener);
  }

  /** Continues {@code state} (e.g. restored from a checkpoint) on the same data. */
  public TrainResult resume(
      TrainingState state, Dataset[] partitions, Dataset validation, TrainingListener listener) {
    LocalGradientSource source =
        new LocalGradientSource(
            state.network(),
            partitions,
            validation,
            config.seed(),
            config.batchSize(),
            config.adversarial(),
            teacher);
    return TrainingLoop.run(state, source, listener);
  }
}
