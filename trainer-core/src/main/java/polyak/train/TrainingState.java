package polyak.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Optional;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.optim.DivergenceException;
import polyak.optim.DivergenceGuard;
import polyak.optim.DivergenceMonitor;
import polyak.optim.EarlyStopping;
import polyak.optim.ExponentialMovingAverage;
import polyak.optim.GradientClipping;
import polyak.optim.IterateAverage;
import polyak.optim.MaxNormConstraint;
import polyak.optim.MetricGoal;
import polyak.optim.Optimizer;
import polyak.optim.Optimizers;
import polyak.optim.Schedule;
import polyak.optim.Schedules;
import polyak.optim.StateMismatchException;
import polyak.optim.UniformAverage;
import polyak.optim.WeightPenalty;
import polyak.spec.LossSpec;

/**
 * The driver's side of training: the flat parameters, the batch-norm running statistics, the
 * optimizer and Polyak-average state, and the step count — and the one central step that turns a
 * summed gradient into new parameters. LocalTrainer and the Spark loop both call {@link #step}, so
 * given the same gradient sums they produce the same parameters.
 *
 * <p>The step: g ← Σg / count; stop if loss or g is not finite (parameters untouched); g += penalty
 * gradient; clip; stop if loss or ‖g‖ exploded ({@link DivergenceMonitor}); θ ← optimizer(θ, g,
 * ε_t); max-norm re-projection; running statistics; average.
 */
public final class TrainingState {
  /**
   * 3: with θ_{t−1} for the delayed-gradient mode; 2: with the early-stopping state; 1: without it
   * (both still read).
   */
  private static final int FORMAT = 3;

  private final Network network;
  private final TrainingConfig config;
  private final double[] params;
  private final double[] normState;
  private final double[] gradient;
  private final Optimizer optimizer;
  private final Schedule schedule;
  private final double rateScale;
  private final WeightPenalty penalty;
  private final MaxNormConstraint maxNorm;
  private final IterateAverage average;
  private final DivergenceGuard guard;
  private final DivergenceMonitor monitor;
  private final EarlyStopping early;
  private final double[] laggedParams;
  private final double[] laggedNormState;

  /** Where minibatch {@link #step}'s gradient is computed: laggedParams, or the prediction. */
  private final double[] gradientPoint;

  private final double[] predicted;
  private long step;

  private TrainingState(Network network, TrainingConfig config, long iterationsPerEpoch) {
    this.network = network;
    this.config = config;
    int n = network.parameterCount();
    this.params = new double[n];
    this.normState = new double[network.stateSize()];
    this.gradient = new double[n];
    this.optimizer =
        config.optimizer().kind().fullBatch()
            ? null
            : Optimizers.create(config.optimizer(), network.layout(), iterationsPerEpoch);
    this.schedule =
        Schedules.create(
            config.learningRate().spanning(config.totalIterations(iterationsPerEpoch)),
            iterationsPerEpoch);
    this.rateScale = config.rateScale();
    this.penalty =
        config.l1() > 0 || config.l2() > 0
            ? WeightPenalty.elasticNet(network.layout(), config.l1(), config.l2())
            : null;
    this.maxNorm =
        config.maxNorm() > 0 ? new MaxNormConstraint(network.layout(), config.maxNorm()) : null;
    this.average =
        switch (config.averaging().kind()) {
          case NONE -> null;
          case UNIFORM -> new UniformAverage(n, config.averaging().start());
          case EMA ->
              new ExponentialMovingAverage(
                  n, config.averaging().decay(), config.averaging().start());
        };
    this.guard = new DivergenceGuard(network.layout());
    this.monitor =
        new DivergenceMonitor(
            config.divergence(),
            network.spec().loss().kind() == LossSpec.Kind.SOFTMAX_CE
                ? network.spec().outputWidth()
                : 0);
    this.early =
        config.patience() > 0
            ? new EarlyStopping(n, MetricGoal.MAXIMIZE, config.patience(), 0.0)
            : null;
    this.laggedParams = config.gradientDelay() > 0 ? new double[n] : null;
    this.laggedNormState = config.gradientDelay() > 0 ? new double[normState.length] : null;
    this.gradientPoint = config.gradientPrediction() ? new double[n] : laggedParams;
    this.predicted = config.gradientPrediction() ? new double[n] : null;
  }

  /** Fresh state: parameters initialised from the config's seed. */
  public static TrainingState initial(
      Network network, TrainingConfig config, long iterationsPerEpoch) {
    TrainingState s = new TrainingState(network, config, iterationsPerEpoch);
    network.initialise(config.seed(), s.params, s.normState);
    s.copyToLagged();
    if (s.predicted != null) {
      // minibatch 0 at θ_0, as without the prediction
      System.arraycopy(s.params, 0, s.gradientPoint, 0, s.params.length);
    }
    return s;
  }

  /**
   * One central step from gradient sums. {@code gradientSum} is not modified. {@code normStatsSum}
   * holds the summed batch-norm Σx, Σx² (may be null when the network has no batch norm).
   *
   * @throws polyak.optim.DivergenceException when loss or gradient is not finite (the parameters
   *     are then those of the last good step), or when the update itself made a parameter
   *     non-finite (e.g. a huge rate times a finite gradient; the parameters and optimizer state
   *     are then spoilt, and the last good ones are those of the newest checkpoint)
   */
  public StepReport step(double[] gradientSum, double[] normStatsSum, BatchResult batch) {
    long t = step + 1;
    double inv = 1.0 / batch.count();
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = gradientSum[i] * inv;
    }
    double loss = batch.meanLoss();
    guard.check(t, loss, gradient);
    if (penalty != null) {
      penalty.addTo(params, gradient);
    }
    double norm =
        config.clipNorm() > 0
            ? GradientClipping.clipByGlobalNorm(gradient, config.clipNorm())
            : GradientClipping.l2Norm(gradient);
    if (config.clipValue() > 0) {
      GradientClipping.clipByValue(gradient, config.clipValue());
    }
    monitor.observeStep(t, loss, norm);
    double rate = schedule.valueAt(step) * rateScale;
    copyToLagged();
    optimizer.step(params, gradient, t, rate);
    if (maxNorm != null) {
      maxNorm.apply(params);
    }
    // without this, θ = ±∞ would be counted as a good step (and checkpointed) and the next step
    // blamed
    Optional<String> overflow = guard.findNonFinite(t, "parameter vector after the update", params);
    if (overflow.isPresent()) {
      throw new DivergenceException(t, overflow.get());
    }
    if (normStatsSum != null && normState.length > 0) {
      network.updateRunningStatistics(normState, normStatsSum, batch.count());
    }
    if (average != null) {
      average.update(params, t);
    }
    step = t;
    return new StepReport(t, loss, batch.accuracy(), norm, rate, batch.count(), 0, 0);
  }

  private void copyToLagged() {
    if (predicted != null) {
      System.arraycopy(nextGradientPoint(), 0, gradientPoint, 0, params.length);
    }
    if (laggedParams != null) {
      System.arraycopy(params, 0, laggedParams, 0, params.length);
      System.arraycopy(normState, 0, laggedNormState, 0, normState.length);
    }
  }

  /**
   * In the delayed-gradient mode ({@code training.gradient_delay = 1}), where minibatch {@link
   * #step()}'s gradient is computed: θ before the last step (θ_{t−1} at step t; θ_0 before the
   * first), or with {@code training.gradient_prediction} the prediction {@link #nextGradientPoint}
   * made before the last step. Null in the synchronous mode.
   */
  public double[] laggedParameters() {
    return gradientPoint;
  }

  /**
   * Where minibatch {@link #step()} + 1's gradient is computed in the delayed mode: θ_t, or with
   * {@code training.gradient_prediction} θ_t + (θ_t − θ_{t−1}) (θ_0 before the first step).
   */
  public double[] nextGradientPoint() {
    if (predicted == null) {
      return params;
    }
    for (int i = 0; i < params.length; i++) {
      predicted[i] = params[i] + (params[i] - laggedParams[i]);
    }
    return predicted;
  }

  /** The batch-norm running statistics that went with {@link #laggedParameters()}. */
  public double[] laggedNormState() {
    return laggedNormState;
  }

  /**
   * Tells the divergence monitor of an evaluation of the current parameters.
   *
   * @throws polyak.optim.CollapseException when validation accuracy sat at chance level, or the
   *     gradient was exactly zero, for the configured number of evaluations in a row
   */
  public void observeEvaluation(EvaluationReport e) {
    monitor.observeEvaluation(e.step(), e.epoch(), e.accuracy());
  }

  /** Completed steps (for full-batch L-BFGS: completed L-BFGS iterations). */
  public long step() {
    return step;
  }

  /** Records {@code steps} more completed steps made outside {@link #step} (full-batch L-BFGS). */
  void advance(long steps) {
    step += steps;
  }

  public Network network() {
    return network;
  }

  public TrainingConfig config() {
    return config;
  }

  /** The raw parameters the optimizer steps (live; the Spark loop broadcasts a copy). */
  public double[] parameters() {
    return params;
  }

  /** Batch-norm running means and variances (live). */
  public double[] normState() {
    return normState;
  }

  /**
   * The parameters to evaluate and export: the Polyak average when on and started, else the raw
   * ones.
   */
  public double[] evaluationParameters() {
    return average != null && average.count() > 0 ? average.average() : params;
  }

  /**
   * Early stopping on validation accuracy when the config's patience is positive, else null. Part
   * of the state: its best parameters and counters are checkpointed, so a resumed run stops as an
   * uninterrupted one would.
   */
  public EarlyStopping earlyStopping() {
    return early;
  }

  /**
   * Writes everything needed to continue bit-identically: step, θ, running stats, optimizer,
   * average, early stopping, and in the delayed mode θ_{t−1} and its running stats.
   */
  public void write(DataOutput out) throws IOException {
    out.writeInt(FORMAT);
    out.writeLong(step);
    writeVector(out, params);
    writeVector(out, normState);
    out.writeBoolean(optimizer != null);
    if (optimizer != null) {
      optimizer.writeState(out);
    }
    out.writeBoolean(average != null);
    if (average != null) {
      average.writeState(out);
    }
    out.writeBoolean(early != null);
    if (early != null) {
      early.writeState(out);
    }
    out.writeBoolean(laggedParams != null);
    if (laggedParams != null) {
      writeVector(out, laggedParams);
      writeVector(out, laggedNormState);
      out.writeBoolean(predicted != null);
      if (predicted != null) {
        writeVector(out, gradientPoint);
      }
    }
  }

  /**
   * Restores what {@link #write} wrote into this (freshly built, same network and config) state.
   * Every part is read and checked before any is installed: a failed restore leaves the state as it
   * was.
   */
  public void read(DataInput in) throws IOException {
    int format = in.readInt();
    if (format < 1 || format > FORMAT) {
      throw new StateMismatchException(
          "training state: unsupported format " + format + " (expected " + FORMAT + ")");
    }
    long savedStep = in.readLong();
    double[] p = readVector(in, "parameters", params.length);
    double[] s = readVector(in, "normalisation state", normState.length);
    if (in.readBoolean() != (optimizer != null)) {
      throw new StateMismatchException(
          "training state: saved for a different kind of optimizer than "
              + config.optimizer().kind().configName());
    }
    Runnable optimizerRestore = optimizer != null ? optimizer.prepareRestore(in) : NOTHING;
    boolean hasAverage = in.readBoolean();
    if (hasAverage != (average != null)) {
      throw new StateMismatchException(
          "training state: saved with"
              + (hasAverage ? "" : "out")
              + " Polyak averaging, but the config has it "
              + (average != null ? "on" : "off"));
    }
    Runnable averageRestore = average != null ? average.prepareRestore(in) : NOTHING;
    // early stopping may be switched on or off (or its patience changed) when resuming: saved
    // counters
    // without a config that uses them are dropped, a config without saved ones starts afresh
    Runnable earlyRestore = NOTHING;
    if (format >= 2 && in.readBoolean()) {
      EarlyStopping saved =
          early != null ? early : new EarlyStopping(params.length, MetricGoal.MAXIMIZE, 1, 0.0);
      earlyRestore = saved.prepareRestore(in);
    }
    // a state saved in the synchronous mode resumes the delayed one from θ_{t−1} := θ_t; a delayed
    // one resumed synchronously drops θ_{t−1}
    double[] lagged = p;
    double[] laggedStats = s;
    double[] point = null;
    if (format >= 3 && in.readBoolean()) {
      lagged = readVector(in, "delayed-gradient parameters", params.length);
      laggedStats = readVector(in, "delayed-gradient normalisation state", normState.length);
      if (in.readBoolean()) {
        point = readVector(in, "predicted gradient point", params.length);
      }
    }
    optimizerRestore.run();
    averageRestore.run();
    earlyRestore.run();
    System.arraycopy(p, 0, params, 0, p.length);
    System.arraycopy(s, 0, normState, 0, s.length);
    if (laggedParams != null) {
      System.arraycopy(lagged, 0, laggedParams, 0, lagged.length);
      System.arraycopy(laggedStats, 0, laggedNormState, 0, laggedStats.length);
    }
    if (predicted != null) {
      // saved without a prediction: minibatch `step` resumes at θ_{t−1}
      System.arraycopy(point != null ? point : lagged, 0, gradientPoint, 0, params.length);
    }
    step = savedStep;
  }

  private static final Runnable NOTHING = () -> {};

  private static void writeVector(DataOutput out, double[] v) throws IOException {
    out.writeInt(v.length);
    for (double d : v) {
      out.writeLong(Double.doubleToRawLongBits(d));
    }
  }

  private static double[] readVector(DataInput in, String what, int expected) throws IOException {
    int n = in.readInt();
    if (n != expected) {
      throw new StateMismatchException(
          "training state: " + what + " has " + n + " values, the network needs " + expected);
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Double.longBitsToDouble(in.readLong());
    }
    return v;
  }
}
