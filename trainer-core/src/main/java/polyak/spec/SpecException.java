package polyak.spec;

/** An invalid network specification; the message names the field and what is wrong with it. */
public final class SpecException extends IllegalArgumentException {
  public SpecException(String message) {
    super(message);
  }
}
