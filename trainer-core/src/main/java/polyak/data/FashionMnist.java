package polyak.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where Fashion-MNIST lives: the Debian package {@code dataset-fashion-mnist} installs it under
 * {@code /usr/share/datasets/fashion-mnist}; the environment variable {@code POLYAK_FASHION_MNIST}
 * points elsewhere.
 */
public final class FashionMnist {
  public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
  public static final String INSTALL_HINT =
      "install it with: sudo apt-get install -y dataset-fashion-mnist"
          + " (or set POLYAK_FASHION_MNIST to a directory holding the four IDX files)";

  private FashionMnist() {}

  public static Path directory() {
    String env = System.getenv("POLYAK_FASHION_MNIST");
    return Path.of(env != null && !env.isBlank() ? env : DEFAULT_DIR);
  }

  /** The 60 000-example training set, raw pixels 0..255. */
  public static Dataset train() throws IOException {
    return read("train");
  }

  /** The 10 000-example test set, raw pixels 0..255. */
  public static Dataset test() throws IOException {
    return read("t10k");
  }

  public static Path images(String prefix) {
    return directory().resolve(prefix + "-images-idx3-ubyte.gz");
  }

  public static Path labels(String prefix) {
    return directory().resolve(prefix + "-labels-idx1-ubyte.gz");
  }

  private static Dataset read(String prefix) throws IOException {
    Path images = images(prefix);
    if (!Files.exists(images)) {
      throw new DataException(images + ": Fashion-MNIST not found; " + INSTALL_HINT);
    }
    return IdxReader.readClassification(images, labels(prefix));
  }
}
