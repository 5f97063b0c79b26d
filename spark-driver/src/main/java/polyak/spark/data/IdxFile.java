package polyak.spark.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import polyak.data.DataException;

/**
 * An open IDX file (the MNIST format: magic {@code 0 0 type dims}, big-endian dimension sizes, then
 * the records), raw or gzip — detected by the gzip magic, not the file name. Only unsigned-byte
 * data (type 0x08) is supported. The stream is positioned at the first record after {@link #open}.
 */
final class IdxFile implements Closeable {
  private static final int UNSIGNED_BYTE = 0x08;

  private final String source;
  private final DataInputStream in;
  private final int[] dims;
  private final int recordSize;
  private long position;

  private IdxFile(String source, DataInputStream in, int[] dims, int recordSize) {
    this.source = source;
    this.in = in;
    this.dims = dims;
    this.recordSize = recordSize;
  }

  /** Reads the header of {@code raw}; takes ownership of the stream. */
  static IdxFile open(InputStream raw, String source) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream data =
        b0 == 0x1f && b1 == 0x8b
            ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)
            : buffered;
    DataInputStream in = new DataInputStream(data);
    try {
      int magic = in.readInt();
      int type = (magic >>> 8) & 0xff;
      int rank = magic & 0xff;
      if ((magic >>> 16) != 0 || rank == 0) {
        throw new DataException(
            source + ": not an IDX file (magic 0x" + Integer.toHexString(magic) + ")");
      }
      if (type != UNSIGNED_BYTE) {
        throw new DataException(
            source
                + ": IDX data type 0x"
                + Integer.toHexString(type)
                + " is not supported (only unsigned bytes, 0x08)");
      }
      int[] dims = new int[rank];
      long size = 1;
      for (int i = 0; i < rank; i++) {
        dims[i] = in.readInt();
        if (dims[i] < 0) {
          throw new DataException(source + ": IDX dimension " + i + " is negative: " + dims[i]);
        }
        if (i > 0) {
          size *= dims[i];
        }
      }
      if (size > Integer.MAX_VALUE / 8) {
        throw new DataException(source + ": IDX records of " + size + " values are too large");
      }
      return new IdxFile(source, in, dims, (int) size);
    } catch (EOFException e) {
      in.close();
      throw new DataException(source + ": IDX header is truncated", e);
    } catch (RuntimeException | IOException e) {
      in.close();
      throw e;
    }
  }

  int count() {
    return dims[0];
  }

  int[] dims() {
    return dims.clone();
  }

  /** Values per record: the product of all dimensions but the first (1 for a labels file). */
  int recordSize() {
    return recordSize;
  }

  void skipRecords(long records) throws IOException {
    long bytes = records * recordSize;
    while (bytes > 0) {
      long skipped = in.skip(bytes);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw truncated(position + (records * recordSize - bytes) / recordSize);
        }
        skipped = 1;
      }
      bytes -= skipped;
    }
    position += records;
  }

  /** Reads {@code into.length / recordSize} whole records. */
  void readRecords(byte[] into) throws IOException {
    int off = 0;
    while (off < into.length) {
      int n = in.read(into, off, into.length - off);
      if (n < 0) {
        throw truncated(position + off / Math.max(1, recordSize));
      }
      off += n;
    }
    position += into.length / Math.max(1, recordSize);
  }

  /** Fails if bytes follow the last record the header declares; call after reading up to it. */
  void requireEnd() throws IOException {
    if (in.read() >= 0) {
      throw new DataException(
          source
              + ": data continues after the "
              + dims[0]
              + " records of "
              + Arrays.toString(dims)
              + " the header declares");
    }
  }

  private DataException truncated(long record) {
    return new DataException(
        source
            + ": truncated: the header declares "
            + dims[0]
            + " records, but the data ends"
            + " in row "
            + (record + 1));
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
