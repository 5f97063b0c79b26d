package polyak.optim;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import polyak.nn.ParameterKind;

/** Which parameter kinds weight decay, max-norm and trust ratios act on unless told otherwise. */
public final class Regularization {
  /** WEIGHT only: biases and normalisation γ/β are neither decayed nor trust-ratio adapted. */
  public static final Set<ParameterKind> DEFAULT_KINDS =
      Collections.unmodifiableSet(EnumSet.of(ParameterKind.WEIGHT));

  private Regularization() {}
}
