package polyak.spec;

import java.util.Locale;

/**
 * The training loss, reported as the mean over the batch. Text form: {@code softmax_ce
 * [smoothing=0.1]}, {@code mse} (½‖f − y‖² per example), {@code l1} (‖f − y‖₁ per example).
 */
public record LossSpec(Kind kind, double labelSmoothing) {
  public enum Kind {
    SOFTMAX_CE,
    MSE,
    L1;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static LossSpec softmaxCrossEntropy() {
    return new LossSpec(Kind.SOFTMAX_CE, 0.0);
  }

  public boolean classification() {
    return kind == Kind.SOFTMAX_CE;
  }

  public String text() {
    return kind == Kind.SOFTMAX_CE ? kind.key() + " smoothing=" + labelSmoothing : kind.key();
  }
}
