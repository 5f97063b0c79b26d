package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;

/**
 * The binary state format shared by optimizers and averagers: magic, format version, kind tag,
 * parameter count, then named entries. Doubles are written as raw bits so a restore is bit-exact
 * (including NaN payloads). Readers return fresh arrays so a failed restore changes nothing.
 */
final class StateCodec {
  static final int MAGIC = 0x504F4C4B; // "POLK"
  static final int VERSION = 1;

  private StateCodec() {}

  static void writeHeader(DataOutput out, String tag, int size) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(tag);
    out.writeInt(size);
  }

  static void readHeader(DataInput in, String tag, int size) throws IOException {
    try {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new StateMismatchException(
            "not a polyak optimizer state: bad magic 0x"
                + Integer.toHexString(magic)
                + " (expected 0x"
                + Integer.toHexString(MAGIC)
                + ") while restoring '"
                + tag
                + "'");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new StateMismatchException(
            "state format version "
                + version
                + " is not supported (expected "
                + VERSION
                + ") while restoring '"
                + tag
                + "'");
      }
      String saved = in.readUTF();
      if (!saved.equals(tag)) {
        throw new StateMismatchException(
            "state kind mismatch: saved state is '" + saved + "' but restoring into '" + tag + "'");
      }
      int savedSize = in.readInt();
      if (savedSize != size) {
        throw new StateMismatchException(
            "'"
                + tag
                + "' state was saved for "
                + savedSize
                + " parameters but this one has "
                + size);
      }
    } catch (EOFException e) {
      throw truncated(tag, "header");
    }
  }

  static void writeVector(DataOutput out, String name, double[] v) throws IOException {
    out.writeUTF(name);
    out.writeInt(v.length);
    for (double x : v) {
      out.writeLong(Double.doubleToRawLongBits(x));
    }
  }

  static double[] readVector(DataInput in, String tag, String name, int expectedLength)
      throws IOException {
    try {
      readName(in, tag, name);
      int length = in.readInt();
      if (length != expectedLength) {
        throw new StateMismatchException(
            "'"
                + tag
                + "' state vector '"
                + name
                + "' has length "
                + length
                + " but expected "
                + expectedLength);
      }
      double[] v = new double[length];
      for (int i = 0; i < length; i++) {
        v[i] = Double.longBitsToDouble(in.readLong());
      }
      return v;
    } catch (EOFException e) {
      throw truncated(tag, "vector '" + name + "'");
    }
  }

  static void writeLong(DataOutput out, String name, long value) throws IOException {
    out.writeUTF(name);
    out.writeLong(value);
  }

  static long readLong(DataInput in, String tag, String name) throws IOException {
    try {
      readName(in, tag, name);
      return in.readLong();
    } catch (EOFException e) {
      throw truncated(tag, "scalar '" + name + "'");
    }
  }

  private static void readName(DataInput in, String tag, String name) throws IOException {
    String saved = in.readUTF();
    if (!saved.equals(name)) {
      throw new StateMismatchException(
          "'" + tag + "' state has entry '" + saved + "' where '" + name + "' was expected");
    }
  }

  private static StateMismatchException truncated(String tag, String what) {
    return new StateMismatchException(
        "'" + tag + "' state is truncated: ended while reading " + what);
  }
}
