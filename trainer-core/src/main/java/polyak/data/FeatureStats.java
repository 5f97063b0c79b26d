package polyak.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Shared helpers of the fitted preprocessors: per-feature passes and array I/O. */
final class FeatureStats {
  private FeatureStats() {}

  static void requireRows(Dataset train, String what) {
    if (train.rows() == 0) {
      throw new DataException(train.source() + ": cannot fit " + what + " on an empty data set");
    }
  }

  static double[] min(Dataset d) {
    return extreme(d, true);
  }

  static double[] max(Dataset d) {
    return extreme(d, false);
  }

  private static double[] extreme(Dataset d, boolean min) {
    int w = d.width();
    double[] x = d.features();
    double[] out = java.util.Arrays.copyOf(x, w);
    for (int i = w; i < x.length; i++) {
      int j = i % w;
      out[j] = min ? Math.min(out[j], x[i]) : Math.max(out[j], x[i]);
    }
    return out;
  }

  static void writeArray(DataOutput out, double[] a) throws IOException {
    for (double v : a) {
      out.writeDouble(v);
    }
  }

  static int readWidth(DataInput in, String source, String what) throws IOException {
    int width = in.readInt();
    if (width <= 0 || width > Preprocessor.MAX_WIDTH) {
      throw new DataException(
          source
              + ": "
              + what
              + " width "
              + width
              + " outside [1, "
              + Preprocessor.MAX_WIDTH
              + "]");
    }
    return width;
  }

  static double[] readArray(DataInput in, int width) throws IOException {
    double[] a = new double[width];
    for (int i = 0; i < width; i++) {
      a[i] = in.readDouble();
    }
    return a;
  }

  /** Checks fitted arrays: all finite, scales strictly positive. */
  static void checkFitted(String what, double[] offset, double[] scale) {
    if (offset.length != scale.length || offset.length == 0) {
      throw new DataException(
          what
              + ": arrays of length "
              + offset.length
              + " and "
              + scale.length
              + " must be equal and non-empty");
    }
    for (int j = 0; j < offset.length; j++) {
      if (!Double.isFinite(offset[j]) || !(scale[j] > 0) || !Double.isFinite(scale[j])) {
        throw new DataException(
            what
                + ": feature "
                + j
                + ": offset "
                + offset[j]
                + ", scale "
                + scale[j]
                + " (offset must be finite, scale finite and positive)");
      }
    }
  }
}
