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

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeByte(TAG_PIXEL_SCALING);
  }

  @Override
  public String toString() {
    return "pixel scaling (x / 255)";
  }
}
