package polyak.data;

import java.io.DataOutput;
import java.io.IOException;

/** The fixed transform x / 255 that maps 8-bit pixel values to [0, 1]; needs no fitting. */
public final class PixelScaling implements Preprocessor {
  public static final PixelScaling INSTANCE = new PixelScaling();

  private PixelScaling() {}

  @Override
  public int width() {
    return -1;
  }

  @Override
  public void applyInPlace(double[] rowMajor, int width) {
    Preprocessor.checkShape(this, rowMajor, width);
    for (int i = 0; i < rowMajor.length; i++) {
      rowMajor[i] /= 255.0;
    }
  }

  /** Sparse features stay sparse: x / 255 keeps every zero a zero. */
  @Override
  public Dataset apply(Dataset data) {
    if (!data.isSparse()) {
      return Preprocessor.super.apply(data);
    }
    double[] values = data.sparseFeatures().values().clone();
    for (int i = 0; i < values.length; i++) {
      values[i] /= 255.0;
    }
    return data.withSparseFeatures(data.sparseFeatures().withValues(values));
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeByte(TAG_PIXEL_SCALING);
  }

  @Override
  public String toString() {
    return "pixel scaling (x / 255)";
  }
}
