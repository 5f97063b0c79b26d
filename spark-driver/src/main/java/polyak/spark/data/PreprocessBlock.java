package polyak.spark.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.api.java.function.Function;
import polyak.data.Dataset;
import polyak.data.Preprocessor;

/**
 * Applies a {@link Preprocessor} to each block on the executors. The preprocessor travels in its
 * own binary form (the one model files use), so trainer-core needs no Java serialization.
 */
final class PreprocessBlock implements Function<Dataset, Dataset> {
  private static final long serialVersionUID = 1L;

  private final byte[] encoded;
  private transient Preprocessor preprocessor;

  PreprocessBlock(Preprocessor preprocessor) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      preprocessor.write(new DataOutputStream(buf));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.encoded = buf.toByteArray();
  }

  @Override
  public Dataset call(Dataset block) throws IOException {
    if (preprocessor == null) {
      preprocessor =
          Preprocessor.read(new DataInputStream(new ByteArrayInputStream(encoded)), "preprocessor");
    }
    return preprocessor.apply(block);
  }
}
