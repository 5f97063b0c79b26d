package polyak.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: a 4-byte magic {@code 00 00 TT NN} (TT the
 * element type, NN the number of dimensions), NN big-endian 32-bit dimensions, then the values.
 * Only unsigned bytes (TT = 0x08) are supported. Gzip compression is detected from the stream's
 * first two bytes, not from the file name. Format errors throw {@link DataException} naming the
 * source; genuine I/O failures stay {@link IOException}.
 */
public final class IdxReader {
  /** Magic of a one-dimensional unsigned-byte file (labels). */
  public static final int LABELS_MAGIC = 0x00000801;

  /** Magic of a three-dimensional unsigned-byte file (images: count × rows × columns). */
  public static final int IMAGES_MAGIC = 0x00000803;

  public static final int DEFAULT_CLASSES = 10;

  private static final int TYPE_UNSIGNED_BYTE = 0x08;
  private static final int MAX_DIMENSIONS = 8;
  private static final int BUFFER = 1 << 16;

  private IdxReader() {}

  /** Reads an IDX file, gzipped or raw. */
  public static IdxArray read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads an IDX stream, gzipped or raw, to its end (bytes after the declared data are an error).
   * Does not close {@code in}. {@code source} names the stream in error messages.
   */
  public static IdxArray read(InputStream in, String source) throws IOException {
    InputStream data = decompressIfGzip(in, source);
    try {
      return parse(data, source);
    } catch (EOFException | ZipException e) {
      // Only the gzip layer throws these here: our own reads report short counts instead.
      throw new DataException(source + ": truncated or corrupt gzip stream: " + e.getMessage(), e);
    }
  }

  /** Reads an images file and a labels file into a classification data set of 10 classes. */
  public static Dataset readClassification(Path images, Path labels) throws IOException {
    return readClassification(images, labels, DEFAULT_CLASSES);
  }

  public static Dataset readClassification(Path images, Path labels, int classes)
      throws IOException {
    return classification(read(images), read(labels), classes);
  }

  /** Stream form of {@link #readClassification(Path, Path, int)}; does not close the streams. */
  public static Dataset readClassification(
      InputStream images, String imagesSource, InputStream labels, String labelsSource, int classes)
      throws IOException {
    return classification(read(images, imagesSource), read(labels, labelsSource), classes);
  }

  /**
   * Pairs an images array (magic 0x803) with a labels array (magic 0x801): counts must agree and
   * every label must lie in [0, classes). Features are raw pixel values 0..255, one row per image.
   */
  public static Dataset classification(IdxArray images, IdxArray labels, int classes) {
    if (images.dims().length != 3) {
      throw new DataException(
          images.source()
              + ": expected an images file (magic 0x"
              + hex(IMAGES_MAGIC)
              + "), found magic 0x"
              + hex(images.magic()));
    }
    if (labels.dims().length != 1) {
      throw new DataException(
          labels.source()
              + ": expected a labels file (magic 0x"
              + hex(LABELS_MAGIC)
              + "), found magic 0x"
              + hex(labels.magic()));
    }
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be positive, got " + classes);
    }
    if (images.count() != labels.count()) {
      throw new DataException(
          images.source()
              + " has "
              + images.count()
              + " images but "
              + labels.source()
              + " has "
              + labels.count()
              + " labels");
    }
    int[] y = labels.toInts();
    for (int r = 0; r < y.length; r++) {
      if (y[r] >= classes) {
        throw new DataException(
            labels.source() + ": row " + r + ": label " + y[r] + " outside [0, " + classes + ")");
      }
    }
    return Dataset.classification(
        images.source(), images.itemWidth(), images.toDoubles(), y, classes, 0);
  }

  private static InputStream decompressIfGzip(InputStream in, String source) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, BUFFER);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
      } catch (EOFException | ZipException e) {
        throw new DataException(
            source + ": truncated or corrupt gzip header: " + e.getMessage(), e);
      }
    }
    return buffered;
  }

  private static IdxArray parse(InputStream in, String source) throws IOException {
    byte[] magicBytes = in.readNBytes(4);
    if (magicBytes.length < 4) {
      throw new DataException(
          source
              + ": truncated: expected a 4-byte IDX magic, got "
              + magicBytes.length
              + " byte(s)");
    }
    int magic = bigEndianInt(magicBytes, 0);
    if ((magic >>> 16) != 0) {
      throw new DataException(
          source
              + ": not an IDX file: magic 0x"
              + hex(magic)
              + " does not start with two"
              + " zero bytes (expected 0x"
              + hex(IMAGES_MAGIC)
              + " for images or 0x"
              + hex(LABELS_MAGIC)
              + " for labels)");
    }
    int type = (magic >>> 8) & 0xff;
    int ndims = magic & 0xff;
    if (type != TYPE_UNSIGNED_BYTE) {
      throw new DataException(
          source
              + ": IDX magic 0x"
              + hex(magic)
              + " has element type 0x"
              + String.format("%02x", type)
              + " ("
              + typeName(type)
              + "); only unsigned bytes (0x08) are supported");
    }
    if (ndims < 1 || ndims > MAX_DIMENSIONS) {
      throw new DataException(
          source
              + ": IDX magic 0x"
              + hex(magic)
              + " declares "
              + ndims
              + " dimensions; expected 1.."
              + MAX_DIMENSIONS);
    }
    byte[] header = in.readNBytes(4 * ndims);
    if (header.length < 4 * ndims) {
      throw new DataException(
          source
              + ": truncated in header: expected "
              + 4 * ndims
              + " bytes of dimensions,"
              + " got "
              + header.length);
    }
    int[] dims = new int[ndims];
    long total = 1;
    for (int i = 0; i < ndims; i++) {
      dims[i] = bigEndianInt(header, 4 * i);
      if (dims[i] <= 0) {
        throw new DataException(
            source
                + ": dimension "
                + i
                + " is "
                + Integer.toUnsignedString(dims[i])
                + "; dimensions must be positive (and below 2^31)");
      }
      total *= dims[i];
      if (total > Integer.MAX_VALUE - 8) {
        throw new DataException(
            source
                + ": dimensions "
                + java.util.Arrays.toString(java.util.Arrays.copyOf(dims, i + 1))
                + " make more than "
                + (Integer.MAX_VALUE - 8)
                + " values, too many for one array");
      }
    }
    // readNBytes(int) grows its buffer as data arrives, so a lying header cannot make us allocate
    // gigabytes up front.
    byte[] data = in.readNBytes((int) total);
    if (data.length < total) {
      throw new DataException(
          source
              + ": truncated: dimensions "
              + java.util.Arrays.toString(dims)
              + " need "
              + total
              + " data bytes after the "
              + (4 + 4 * ndims)
              + "-byte header, got "
              + data.length);
    }
    if (in.read() != -1) {
      long extra = 1 + in.transferTo(OutputStream.nullOutputStream());
      throw new DataException(
          source
              + ": "
              + extra
              + " trailing byte(s) after the "
              + total
              + " data bytes declared by dimensions "
              + java.util.Arrays.toString(dims));
    }
    return new IdxArray(source, dims, data);
  }

  private static int bigEndianInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  private static String hex(int v) {
    return String.format("%08x", v);
  }

  private static String typeName(int type) {
    return switch (type) {
      case 0x09 -> "signed byte";
      case 0x0B -> "short";
      case 0x0C -> "int";
      case 0x0D -> "float";
      case 0x0E -> "double";
      default -> "unknown type";
    };
  }
}
