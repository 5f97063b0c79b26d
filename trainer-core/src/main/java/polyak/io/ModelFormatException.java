package polyak.io;

import java.io.IOException;

/** A model file that cannot be read: wrong magic or version, truncated, corrupt or inconsistent. */
public final class ModelFormatException extends IOException {
  private final String source;

  public ModelFormatException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
  }

  public ModelFormatException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
  }

  /** The file or stream name the problem was found in. */
  public String source() {
    return source;
  }
}
