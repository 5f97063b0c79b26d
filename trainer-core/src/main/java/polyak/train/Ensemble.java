package polyak.train;

import java.util.LinkedHashMap;
import java.util.Map;
import polyak.data.Dataset;
import polyak.data.Preprocessor;
import polyak.io.ModelFormatException;
import polyak.io.SavedModel;
import polyak.nn.Inference;
import polyak.nn.Network;
import polyak.spec.NetworkSpec;
import polyak.util.Seeds;

/**
 * Bagging: k members of one network spec, member m trained with seed derive(seed, m) on its {@link
 * Bootstrap} sample of every partition. The ensemble predicts the mean of the members' predictions
 * (class distributions for softmax cross-entropy). Stored as one model file: the members' parameter
 * vectors (and state vectors) one after the other, and provenance {@value #MEMBERS_KEY} = k.
 */
public final class Ensemble {
  public static final String MEMBERS_KEY = "ensemble.members";
  private static final long MEMBER_SEEDS = 0xE45EL;

  private final NetworkSpec spec;
  private final double[][] params;
  private final double[][] states;

  public Ensemble(NetworkSpec spec, double[][] params, double[][] states) {
    if (params.length < 1 || params.length != states.length) {
      throw new IllegalArgumentException(
          "an ensemble needs at least one member, with parameters and state each");
    }
    this.spec = spec;
    this.params = params.clone();
    this.states = states.clone();
  }

  /** Trains {@code members} members locally on bootstrap samples of {@code partitions}. */
  public static Ensemble train(
      NetworkSpec spec, TrainingConfig config, Dataset[] partitions, int members) {
    return train(spec, config, partitions, members, true);
  }

  /**
   * Trains {@code members} members locally, each on its bootstrap sample of {@code partitions} when
   * {@code bootstrap} is set, else each on all of them (the members then differ by their seeds
   * alone).
   */
  public static Ensemble train(
      NetworkSpec spec,
      TrainingConfig config,
      Dataset[] partitions,
      int members,
      boolean bootstrap) {
    return train(spec, config, partitions, members, bootstrap, polyak.nn.Precision.FLOAT64);
  }

  /** {@link #train(NetworkSpec, TrainingConfig, Dataset[], int, boolean)} in {@code precision}. */
  public static Ensemble train(
      NetworkSpec spec,
      TrainingConfig config,
      Dataset[] partitions,
      int members,
      boolean bootstrap,
      polyak.nn.Precision precision) {
    double[][] params = new double[members][];
    double[][] states = new double[members][];
    for (int m = 0; m < members; m++) {
      Dataset[] sample = new Dataset[partitions.length];
      for (int p = 0; p < partitions.length; p++) {
        sample[p] = bootstrap ? Bootstrap.sample(partitions[p], config.seed(), m) : partitions[p];
      }
      TrainResult r =
          new LocalTrainer(spec, config.withSeed(memberSeed(config.seed(), m)))
              .inPrecision(precision)
              .train(sample, null, TrainingListener.NONE);
      params[m] = r.parameters();
      states[m] = r.state().normState();
    }
    return new Ensemble(spec, params, states);
  }

  /** The training seed of member {@code m}. */
  public static long memberSeed(long seed, int m) {
    return Seeds.derive(seed, MEMBER_SEEDS, m);
  }

  public int members() {
    return params.length;
  }

  public double[] memberParameters(int m) {
    return params[m].clone();
  }

  /** Mean of the members' predictions for rows from..from+count, row-major into {@code out}. */
  public void predict(Dataset data, int from, int count, double[] out) {
    Inference.meanPrediction(
        Network.build(spec),
        params,
        states,
        data,
        from,
        count,
        out,
        new double[count * spec.outputWidth()]);
  }

  /** Fraction of {@code data}'s rows whose arg max of the mean prediction is the label. */
  public double accuracy(Dataset data) {
    return Inference.run(Network.build(spec), concat(params), concat(states), data, true, null)
        .accuracy();
  }

  /** One model file for the whole ensemble. */
  public SavedModel toSavedModel(Preprocessor preprocessor, Map<String, String> provenance) {
    Map<String, String> prov = new LinkedHashMap<>(provenance);
    prov.put(MEMBERS_KEY, Integer.toString(params.length));
    return new SavedModel(spec, concat(params), concat(states), preprocessor, prov);
  }

  /**
   * The ensemble in a model file written by {@link #toSavedModel}; {@code source} names it in
   * errors.
   */
  public static Ensemble fromSavedModel(SavedModel model, String source)
      throws ModelFormatException {
    String k = model.provenance().get(MEMBERS_KEY);
    if (k == null) {
      throw new ModelFormatException(source, "not an ensemble: no provenance entry " + MEMBERS_KEY);
    }
    int members;
    try {
      members = Integer.parseInt(k);
    } catch (NumberFormatException e) {
      throw new ModelFormatException(source, MEMBERS_KEY + " is '" + k + "', not a number");
    }
    Network net = Network.build(model.spec());
    double[] p = model.params();
    double[] s = model.state();
    if (members < 1
        || p.length != (long) members * net.parameterCount()
        || s.length != (long) members * net.stateSize()) {
      throw new ModelFormatException(
          source,
          members
              + " members of "
              + net.parameterCount()
              + " parameters and "
              + net.stateSize()
              + " state values do not match the "
              + p.length
              + " and "
              + s.length
              + " stored");
    }
    return new Ensemble(model.spec(), Inference.split(p, members), Inference.split(s, members));
  }

  private static double[] concat(double[][] parts) {
    int n = 0;
    for (double[] a : parts) {
      n += a.length;
    }
    double[] out = new double[n];
    int at = 0;
    for (double[] a : parts) {
      System.arraycopy(a, 0, out, at, a.length);
      at += a.length;
    }
    return out;
  }
}
