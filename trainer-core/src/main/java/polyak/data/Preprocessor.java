package polyak.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A feature transform fitted on training data and applied unchanged to validation, test and serving
 * data. A model file carries it (see {@link #write} and {@link #read}) so predictions see features
 * transformed exactly as in training.
 */
public sealed interface Preprocessor
    permits PixelScaling, Standardizer, MinMaxScaler, Pca, PreprocessorChain {
  /** Kind tags of the binary form; never reuse a value. */
  byte TAG_PIXEL_SCALING = 1;

  byte TAG_STANDARDIZER = 2;
  byte TAG_MIN_MAX = 3;
  byte TAG_PCA = 4;
  byte TAG_CHAIN = 5;

  /** Upper bound on a stored feature width, so a corrupt width cannot trigger a huge allocation. */
  int MAX_WIDTH = 1 << 24;

  /** The feature width this preprocessor was fitted on, or -1 if it works on any width. */
  int width();

  /**
   * Features per row after this transform, for rows of {@code inputWidth}: the same, except for
   * PCA.
   */
  default int outputWidth(int inputWidth) {
    return inputWidth;
  }

  /** Transforms {@code rowMajor} (whole rows of {@code width} features) in place. */
  void applyInPlace(double[] rowMajor, int width);

  /** A new data set with transformed features; {@code data} is not modified. */
  default Dataset apply(Dataset data) {
    if (width() >= 0 && data.width() != width()) {
      throw new DataException(
          data.source()
              + ": "
              + this
              + " was fitted on "
              + width()
              + " features, but the data has "
              + data.width());
    }
    if (data.isSparse()) {
      throw new DataException(
          data.source()
              + ": "
              + this
              + " would make the sparse features dense; use data.scaling = none or pixels and no"
              + " data.pca, or load dense with data.sparse = false");
    }
    double[] features = data.features().clone();
    applyInPlace(features, data.width());
    return data.withFeatures(features);
  }

  /** Writes the kind tag and the fitted arrays. */
  void write(DataOutput out) throws IOException;

  /**
   * Reads what {@link #write} wrote. A bad tag or invalid contents throw {@link DataException}
   * naming {@code source}; a short input throws {@link java.io.EOFException}.
   */
  static Preprocessor read(DataInput in, String source) throws IOException {
    return readTagged(in.readByte(), in, source);
  }

  /** Reads the body of the preprocessor kind {@code tag} (already read). */
  static Preprocessor readTagged(byte tag, DataInput in, String source) throws IOException {
    return switch (tag) {
      case TAG_PIXEL_SCALING -> PixelScaling.INSTANCE;
      case TAG_STANDARDIZER -> Standardizer.readBody(in, source);
      case TAG_MIN_MAX -> MinMaxScaler.readBody(in, source);
      case TAG_PCA -> Pca.readBody(in, source);
      case TAG_CHAIN -> PreprocessorChain.readBody(in, source);
      default ->
          throw new DataException(
              source
                  + ": unknown preprocessor kind tag "
                  + tag
                  + " (expected 1 pixel scaling, 2 standardizer, 3 min-max, 4 pca, 5 chain)");
    };
  }

  /** Validates a width passed to {@link #applyInPlace}. */
  static void checkShape(Preprocessor p, double[] rowMajor, int width) {
    if (width <= 0 || rowMajor.length % width != 0) {
      throw new IllegalArgumentException(
          rowMajor.length + " values do not make whole rows of width " + width);
    }
    if (p.width() >= 0 && width != p.width()) {
      throw new DataException(
          p + " was fitted on " + p.width() + " features, but the data has " + width);
    }
  }
}
