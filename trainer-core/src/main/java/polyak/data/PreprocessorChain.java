package polyak.data;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Preprocessors applied one after the other (e.g. pixel scaling, then PCA), stored as one in a
 * model file: a count, then each part's own binary form. Parts are not chains themselves.
 */
public record PreprocessorChain(List<Preprocessor> parts) implements Preprocessor {
  public PreprocessorChain {
    parts = List.copyOf(parts);
    if (parts.size() < 2) {
      throw new IllegalArgumentException(
          "a chain needs at least 2 preprocessors, got " + parts.size());
    }
    for (Preprocessor p : parts) {
      if (p instanceof PreprocessorChain) {
        throw new IllegalArgumentException("a chain cannot contain a chain");
      }
    }
  }

  /** {@code first} then {@code second}, or just one of them when the other is null. */
  public static Preprocessor of(Preprocessor first, Preprocessor second) {
    return first == null
        ? second
        : second == null ? first : new PreprocessorChain(List.of(first, second));
  }

  @Override
  public int width() {
    return parts.get(0).width();
  }

  @Override
  public int outputWidth(int inputWidth) {
    int w = inputWidth;
    for (Preprocessor p : parts) {
      w = p.outputWidth(w);
    }
    return w;
  }

  @Override
  public void applyInPlace(double[] rowMajor, int width) {
    for (Preprocessor p : parts) {
      if (p.outputWidth(width) != width) {
        throw new UnsupportedOperationException(p + " changes the width; use apply");
      }
      p.applyInPlace(rowMajor, width);
    }
  }

  @Override
  public Dataset apply(Dataset data) {
    Dataset d = data;
    for (Preprocessor p : parts) {
      d = p.apply(d);
    }
    return d;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeByte(TAG_CHAIN);
    out.writeInt(parts.size());
    for (Preprocessor p : parts) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      p.write(new DataOutputStream(b));
      out.write(b.toByteArray());
    }
  }

  static PreprocessorChain readBody(DataInput in, String source) throws IOException {
    int n = in.readInt();
    if (n < 2 || n > 16) {
      throw new DataException(
          source + ": preprocessor chain of " + n + " parts (expected 2 to 16)");
    }
    Preprocessor[] parts = new Preprocessor[n];
    for (int i = 0; i < n; i++) {
      byte tag = in.readByte();
      if (tag == TAG_CHAIN) {
        throw new DataException(source + ": a preprocessor chain inside a chain");
      }
      parts[i] = Preprocessor.readTagged(tag, in, source);
    }
    return new PreprocessorChain(List.of(parts));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Preprocessor p : parts) {
      sb.append(sb.length() == 0 ? "" : ", then ").append(p);
    }
    return sb.toString();
  }
}
