package polyak.train;

import polyak.optim.DivergenceSpec;
import polyak.optim.OptimizerConfigException;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;

/**
 * Everything that decides the sequence of parameters besides the network and the data: an
 * immutable, validated record that a config file maps into and a model's provenance records.
 *
 * @param seed root of every random stream (initialisation, shuffling, dropout)
 * @param batchSize global minibatch B, summed over all partitions
 * @param epochs passes over the training data (an epoch is ⌊N/B⌋ iterations)
 * @param maxIterations if positive, stop after this many iterations even within an epoch
 * @param learningRate the schedule of ε
 * @param rateScaling how ε scales with B relative to {@code referenceBatch} (the linear or
 *     square-root scaling rule), applied on top of the schedule
 * @param l1 λ₁ of the L1 penalty on weights; {@code l2} λ₂ of ½λ₂‖w‖² (weights only, not biases or
 *     γ/β)
 * @param maxNorm if positive, the max-norm of each hidden unit's incoming weights (re-projected
 *     after the step)
 * @param clipNorm if positive, clip the gradient's global L2 norm; {@code clipValue} likewise per
 *     element
 * @param evaluateEvery validation every this many iterations (0: at the end of every epoch)
 * @param patience early stopping after this many evaluations without improvement of validation
 *     accuracy (0: off); the best parameters are restored
 * @param adversarial FGSM examples and the input-gradient-norm penalty ({@link
 *     AdversarialSpec#NONE}: off)
 * @param divergence when a run with finite values counts as exploded or collapsed
 * @param gradientDelay 0: synchronous SGD; 1: the step of iteration t applies the gradient of
 *     minibatch t computed at θ_{t−1} (θ_0 for t = 0), so the next gradient job runs while the
 *     driver steps ({@link TrainingLoop}); minibatch optimizers only
 * @param gradientPrediction with delay 1: minibatch t+1's gradient at the extrapolated θ_t + (θ_t −
 *     θ_{t−1}) instead of θ_t (θ_{t+1} predicted from the last step)
 */
public record TrainingConfig(
    long seed,
    int batchSize,
    int epochs,
    long maxIterations,
    OptimizerSpec optimizer,
    ScheduleSpec learningRate,
    RateScaling rateScaling,
    int referenceBatch,
    double l1,
    double l2,
    double maxNorm,
    double clipNorm,
    double clipValue,
    AveragingSpec averaging,
    long evaluateEvery,
    int patience,
    AdversarialSpec adversarial,
    DivergenceSpec divergence,
    int gradientDelay,
    boolean gradientPrediction) {

  /** The linear (ε·B/B_ref) or square-root (ε·√(B/B_ref)) scaling rule, or none. */
  public enum RateScaling {
    NONE,
    LINEAR,
    SQRT
  }

  public TrainingConfig {
    positive("training.batch_size", batchSize);
    positive("training.epochs", epochs);
    nonNegative("training.max_iterations", maxIterations);
    positive("training.reference_batch", referenceBatch);
    nonNegative("regularization.l1", l1);
    nonNegative("regularization.l2", l2);
    nonNegative("regularization.max_norm", maxNorm);
    nonNegative("clipping.norm", clipNorm);
    nonNegative("clipping.value", clipValue);
    nonNegative("evaluation.every", evaluateEvery);
    nonNegative("evaluation.patience", patience);
    if (gradientDelay < 0 || gradientDelay > 1) {
      throw new OptimizerConfigException(
          "training.gradient_delay must be 0 or 1, got " + gradientDelay);
    }
    if (gradientPrediction && gradientDelay == 0) {
      throw new OptimizerConfigException(
          "training.gradient_prediction needs training.gradient_delay = 1");
    }
    if (divergence == null) {
      divergence = DivergenceSpec.DEFAULTS;
    }
    if (optimizer == null
        || learningRate == null
        || averaging == null
        || rateScaling == null
        || adversarial == null) {
      throw new OptimizerConfigException(
          "training: optimizer, learning rate, scaling, averaging and adversarial"
              + " are required");
    }
    if (gradientDelay > 0 && optimizer.kind().fullBatch()) {
      throw new OptimizerConfigException(
          "training.gradient_delay must be 0 with the full-batch optimizer "
              + optimizer.kind().configName());
    }
  }

  /**
   * Adam at 1e-3, batch 128, 10 epochs, no regularisation, clipping, averaging or early stopping.
   */
  public static TrainingConfig defaults() {
    return new TrainingConfig(
        42,
        128,
        10,
        0,
        OptimizerSpec.defaults("adam"),
        ScheduleSpec.constant(1e-3),
        RateScaling.NONE,
        128,
        0,
        0,
        0,
        0,
        0,
        AveragingSpec.NONE,
        0,
        0,
        AdversarialSpec.NONE,
        DivergenceSpec.DEFAULTS,
        0,
        false);
  }

  /**
   * Iterations in the whole run: {@code epochs} epochs, capped by {@code maxIterations} when set.
   */
  public long totalIterations(long iterationsPerEpoch) {
    long total = epochs * iterationsPerEpoch;
    return maxIterations > 0 ? Math.min(total, maxIterations) : total;
  }

  /** Multiplier of the scheduled learning rate from the scaling rule. */
  public double rateScale() {
    return switch (rateScaling) {
      case NONE -> 1.0;
      case LINEAR -> (double) batchSize / referenceBatch;
      case SQRT -> Math.sqrt((double) batchSize / referenceBatch);
    };
  }

  public TrainingConfig withSeed(long v) {
    return new TrainingConfig(
        v,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withBatchSize(int v) {
    return new TrainingConfig(
        seed,
        v,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withEpochs(int v) {
    return new TrainingConfig(
        seed,
        batchSize,
        v,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withMaxIterations(long v) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        v,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withOptimizer(OptimizerSpec v) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        v,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withLearningRate(ScheduleSpec v) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        v,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withRateScaling(RateScaling v, int reference) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        v,
        reference,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withPenalties(double newL1, double newL2, double newMaxNorm) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        newL1,
        newL2,
        newMaxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withClipping(double norm, double value) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        norm,
        value,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withAveraging(AveragingSpec v) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        v,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withEvaluation(long every, int newPatience) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        every,
        newPatience,
        adversarial,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withAdversarial(AdversarialSpec v) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        v,
        divergence,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withDivergence(DivergenceSpec v) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        v,
        gradientDelay,
        gradientPrediction);
  }

  public TrainingConfig withGradientDelay(int v) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        v,
        gradientPrediction);
  }

  public TrainingConfig withGradientPrediction(boolean v) {
    return new TrainingConfig(
        seed,
        batchSize,
        epochs,
        maxIterations,
        optimizer,
        learningRate,
        rateScaling,
        referenceBatch,
        l1,
        l2,
        maxNorm,
        clipNorm,
        clipValue,
        averaging,
        evaluateEvery,
        patience,
        adversarial,
        divergence,
        gradientDelay,
        v);
  }

  private static void positive(String key, long v) {
    if (v <= 0) {
      throw new OptimizerConfigException(key + " must be positive, got " + v);
    }
  }

  private static void nonNegative(String key, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new OptimizerConfigException(key + " must be a non-negative number, got " + v);
    }
  }
}
