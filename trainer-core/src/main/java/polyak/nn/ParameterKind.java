package polyak.nn;

/** What a segment of the flat parameter vector holds; regularisers and LARS/LAMB act on kinds. */
public enum ParameterKind {
  /** Dense-layer weights (in × out, row-major). Weight decay, max-norm and trust ratios apply. */
  WEIGHT,
  /** Dense-layer biases. */
  BIAS,
  /** Normalisation scale γ (batch or layer norm). */
  NORM_SCALE,
  /** Normalisation shift β. */
  NORM_SHIFT
}
