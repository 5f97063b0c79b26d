package polyak.train;

import polyak.optim.OptimizerConfigException;

/**
 * Robust training (config block {@code adversarial}). FGSM: each example of a minibatch is, with
 * probability {@code fgsmFraction} (drawn from the pass seed and the example's id, so independent
 * of partitioning), replaced by x + ε·sign(∇ₓL) computed with the current parameters. Gradient-norm
 * penalty: the loss of each example gets + λ‖∂L/∂x‖²; its parameter gradient 2λ·(∂²L/∂θ∂x)·∇ₓL is
 * taken by a finite difference along the input gradient, (2λ/h)·(∇θL(x + h·∇ₓL) − ∇θL(x)), not by
 * double backpropagation: one more forward/backward pass, no second-order code in the layers.
 *
 * @param fgsmEpsilon ε of the FGSM perturbation, in the network's input units (0: off)
 * @param fgsmFraction probability that an example of a minibatch is replaced by its FGSM example
 * @param gradientPenalty λ of the input-gradient-norm penalty (0: off)
 * @param penaltyStep h of the finite difference along ∇ₓL
 */
public record AdversarialSpec(
    double fgsmEpsilon, double fgsmFraction, double gradientPenalty, double penaltyStep)
    implements java.io.Serializable {

  public static final AdversarialSpec NONE = new AdversarialSpec(0, 0.5, 0, 0.01);

  public AdversarialSpec {
    if (!(fgsmEpsilon >= 0) || Double.isInfinite(fgsmEpsilon)) {
      throw new OptimizerConfigException(
          "adversarial.fgsm_epsilon must be a non-negative number, got " + fgsmEpsilon);
    }
    if (!(fgsmFraction >= 0 && fgsmFraction <= 1)) {
      throw new OptimizerConfigException(
          "adversarial.fgsm_fraction must be in [0, 1], got " + fgsmFraction);
    }
    if (!(gradientPenalty >= 0) || Double.isInfinite(gradientPenalty)) {
      throw new OptimizerConfigException(
          "adversarial.gradient_penalty must be a non-negative number, got " + gradientPenalty);
    }
    if (!(penaltyStep > 0) || Double.isInfinite(penaltyStep)) {
      throw new OptimizerConfigException(
          "adversarial.penalty_step must be a positive number, got " + penaltyStep);
    }
  }

  /** Whether FGSM examples are mixed into the minibatches. */
  public boolean fgsm() {
    return fgsmEpsilon > 0 && fgsmFraction > 0;
  }

  /** Whether the input-gradient-norm penalty is on. */
  public boolean penalty() {
    return gradientPenalty > 0;
  }

  public boolean active() {
    return fgsm() || penalty();
  }
}
