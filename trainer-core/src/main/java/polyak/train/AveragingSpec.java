package polyak.train;

import polyak.optim.OptimizerConfigException;

/**
 * Polyak averaging of the iterates: {@code none}, {@code uniform} (Polyak–Ruppert mean of the
 * iterates from step {@code start} on) or {@code ema} (exponential moving average with {@code
 * decay}). When on, evaluation, early stopping and export use the average; training continues on
 * the raw parameters.
 */
public record AveragingSpec(Kind kind, long start, double decay) {
  public enum Kind {
    NONE,
    UNIFORM,
    EMA
  }

  public static final AveragingSpec NONE = new AveragingSpec(Kind.NONE, 1, 0);

  public AveragingSpec {
    if (start < 1) {
      throw new OptimizerConfigException(
          "averaging.start must be at least 1 (the first step), got " + start);
    }
    if (kind == Kind.EMA && !(decay > 0 && decay < 1)) {
      throw new OptimizerConfigException("averaging.decay must be in (0, 1), got " + decay);
    }
  }
}
