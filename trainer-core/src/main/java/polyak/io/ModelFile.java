package polyak.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import polyak.data.DataException;
import polyak.data.Preprocessor;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecException;
import polyak.spec.SpecParser;

/**
 * Saves and loads a {@link SavedModel}. Binary format, version 1; all integers and doubles are
 * big-endian, doubles as their raw IEEE 754 bits, strings as an int byte count then UTF-8:
 *
 * <pre>
 * offset  size        field
 * 0       8           magic "POLYAKM\0" (50 4F 4C 59 41 4B 4D 00)
 * 8       4           format version (int) = 1
 * 12      8           total file length in bytes, magic and checksum included (long)
 * 20                  section spec:         int n, n bytes UTF-8 of NetworkSpec.text()
 *                     section parameters:   int count, count doubles
 *                     section state:        int count, count doubles (non-trainable, e.g. batch-norm running stats)
 *                     section preprocessor: byte 0 (none) or 1, then int n, n bytes of Preprocessor.write
 *                     section provenance:   int entries, entries × (string key, string value), in order
 * length-4  4         CRC32 of bytes [0, length-4)
 * </pre>
 *
 * The declared total length lets a reader tell a truncated file (fewer bytes than declared: the
 * error names the section that is cut short) from an altered one (right length, checksum mismatch),
 * and bounds what it reads: lengths above {@link #MAX_FILE_BYTES} are refused before anything is
 * allocated. A reader checks magic, version, length, then the checksum, then the sections'
 * contents. Java serialization is never used.
 */
public final class ModelFile {
  public static final int FORMAT_VERSION = 1;

  /** Largest file accepted: one Java byte array. */
  public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

  private static final byte[] MAGIC = {'P', 'O', 'L', 'Y', 'A', 'K', 'M', 0};
  private static final int HEADER_BYTES = 8 + 4 + 8;
  private static final int CRC_BYTES = 4;
  private static final int MIN_FILE_BYTES = HEADER_BYTES + 4 + 4 + 4 + 1 + 4 + CRC_BYTES;
  private static final int CHUNK_DOUBLES = 8192;

  private ModelFile() {}

  /**
   * Writes {@code model} to {@code file} through a temporary file in the same directory, forced to
   * disk and then renamed atomically over {@code file}: a reader sees the old file or the new one,
   * never half of one. The temporary file is removed if anything fails.
   */
  public static void save(SavedModel model, Path file) throws IOException {
    Path target = file.toAbsolutePath();
    Path tmp =
        target.resolveSibling(
            "."
                + target.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        write(model, out);
        out.flush();
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Reads a model file; a malformed file throws {@link ModelFormatException} naming it. */
  public static SavedModel load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /** Writes the format above to {@code out}; flushes but does not close it. */
  public static void write(SavedModel model, OutputStream out) throws IOException {
    byte[] spec = utf8(model.spec().text());
    byte[] preprocessor = null;
    if (model.preprocessor().isPresent()) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(b);
      model.preprocessor().get().write(d);
      d.flush();
      preprocessor = b.toByteArray();
    }
    ByteArrayOutputStream prov = new ByteArrayOutputStream();
    DataOutputStream p = new DataOutputStream(prov);
    p.writeInt(model.provenance().size());
    for (Map.Entry<String, String> e : model.provenance().entrySet()) {
      writeString(p, e.getKey());
      writeString(p, e.getValue());
    }
    p.flush();
    double[] params = model.paramsView();
    double[] state = model.stateView();
    long total =
        HEADER_BYTES
            + 4L
            + spec.length
            + 4L
            + 8L * params.length
            + 4L
            + 8L * state.length
            + 1
            + (preprocessor == null ? 0 : 4L + preprocessor.length)
            + prov.size()
            + CRC_BYTES;
    if (total > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(
          "model needs " + total + " bytes, more than the format's limit of " + MAX_FILE_BYTES);
    }
    CRC32 crc = new CRC32();
    DataOutputStream d =
        new DataOutputStream(
            new OutputStream() {
              @Override
              public void write(int b) throws IOException {
                crc.update(b);
                out.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                crc.update(b, off, len);
                out.write(b, off, len);
              }
            });
    d.write(MAGIC);
    d.writeInt(FORMAT_VERSION);
    d.writeLong(total);
    d.writeInt(spec.length);
    d.write(spec);
    writeDoubles(d, params);
    writeDoubles(d, state);
    if (preprocessor == null) {
      d.writeByte(0);
    } else {
      d.writeByte(1);
      d.writeInt(preprocessor.length);
      d.write(preprocessor);
    }
    prov.writeTo(d);
    d.flush();
    if (d.size() != total - CRC_BYTES) {
      throw new IllegalStateException(
          "wrote " + d.size() + " bytes before the checksum, computed " + (total - CRC_BYTES));
    }
    int sum = (int) crc.getValue();
    out.write(
        new byte[] {(byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum});
    out.flush();
  }

  /**
   * Reads one model from {@code in} (to its end: trailing bytes are an error); does not close it.
   * Every format problem throws {@link ModelFormatException} whose message starts with {@code
   * source}.
   */
  public static SavedModel read(InputStream in, String source) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    for (int i = 0; i < magic.length; i++) {
      if (magic[i] != MAGIC[i]) {
        throw new ModelFormatException(
            source,
            "not a polyak model file: magic is "
                + hex(magic)
                + ", expected "
                + hex(MAGIC)
                + " (\"POLYAKM\\0\")");
      }
    }
    if (magic.length < MAGIC.length) {
      throw new ModelFormatException(
          source,
          "truncated in header: expected " + MAGIC.length + " bytes of magic, got " + magic.length);
    }
    byte[] rest = in.readNBytes(HEADER_BYTES - MAGIC.length);
    if (rest.length < 4) {
      throw new ModelFormatException(
          source, "truncated in header: expected 4 bytes of format version, got " + rest.length);
    }
    ByteBuffer h = ByteBuffer.wrap(rest);
    int version = h.getInt();
    if (version != FORMAT_VERSION) {
      throw new ModelFormatException(
          source,
          "unsupported format version "
              + version
              + " (this reader supports "
              + FORMAT_VERSION
              + ")");
    }
    if (rest.length < 12) {
      throw new ModelFormatException(
          source, "truncated in header: expected 8 bytes of file length, got " + (rest.length - 4));
    }
    long declared = h.getLong();
    if (declared < MIN_FILE_BYTES || declared > MAX_FILE_BYTES) {
      throw new ModelFormatException(
          source,
          "header declares a file length of "
              + declared
              + " bytes, outside ["
              + MIN_FILE_BYTES
              + ", "
              + MAX_FILE_BYTES
              + "]: corrupt header");
    }
    // readNBytes(int) grows its buffer as bytes arrive, so a wrong length cannot allocate much more
    // than the stream really holds.
    byte[] body = in.readNBytes((int) (declared - HEADER_BYTES));
    long actual = HEADER_BYTES + body.length;
    if (actual < declared) {
      String where = new Parser(body, source, declared).truncationSection();
      if (where == null) {
        throw new ModelFormatException(
            source,
            "file has "
                + actual
                + " bytes, but the header declares "
                + declared
                + " and the sections end early enough for a complete file: corrupt length field");
      }
      throw new ModelFormatException(
          source,
          "truncated in "
              + where
              + " (file has "
              + actual
              + " bytes, header declares "
              + declared
              + ")");
    }
    long extra = in.transferTo(OutputStream.nullOutputStream());
    if (extra > 0) {
      throw new ModelFormatException(
          source, extra + " trailing byte(s) after the declared length of " + declared + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(MAGIC);
    crc.update(rest);
    crc.update(body, 0, body.length - CRC_BYTES);
    int stored = ByteBuffer.wrap(body, body.length - CRC_BYTES, CRC_BYTES).getInt();
    if (stored != (int) crc.getValue()) {
      throw new ModelFormatException(
          source,
          String.format(
              "checksum mismatch: stored CRC32 %08x, computed %08x"
                  + " (the file is corrupt or was altered)",
              stored, (int) crc.getValue()));
    }
    return new Parser(body, source, declared).model();
  }

  /** Walks the sections of the body (everything after the header). */
  private static final class Parser {
    private final ByteBuffer buf;
    private final String source;
    private final long bodyEnd;
    private String section = "spec";

    Parser(byte[] body, String source, long declared) {
      this.buf = ByteBuffer.wrap(body);
      this.source = source;
      // Sections must end where the checksum starts, whether or not the body is complete.
      this.bodyEnd = Math.min(body.length, declared - HEADER_BYTES - CRC_BYTES);
    }

    /**
     * For a short body: the section where it ends, with expected and actual byte counts; null if
     * the sections and a checksum fit, so the declared length rather than the file is wrong.
     */
    String truncationSection() throws ModelFormatException {
      try {
        sections();
      } catch (Truncated t) {
        return t.getMessage();
      }
      int left = buf.capacity() - buf.position();
      return left >= CRC_BYTES ? null : "checksum: expected " + CRC_BYTES + " bytes, got " + left;
    }

    SavedModel model() throws ModelFormatException {
      Sections s;
      try {
        s = sections();
      } catch (Truncated t) {
        // The checksum matched, so the writer itself produced inconsistent lengths.
        throw new ModelFormatException(source, "inconsistent lengths: " + t.getMessage());
      }
      if (buf.position() != bodyEnd) {
        throw new ModelFormatException(
            source,
            "sections end at byte "
                + (HEADER_BYTES + buf.position())
                + " but the checksum starts at byte "
                + (HEADER_BYTES + bodyEnd));
      }
      NetworkSpec spec;
      try {
        spec = SpecParser.network("section spec", decode(s.spec, "spec text"));
      } catch (SpecException e) {
        throw new ModelFormatException(source, e.getMessage(), e);
      }
      Preprocessor preprocessor = null;
      if (s.preprocessor != null) {
        try {
          DataInputStream in = new DataInputStream(new ByteArrayInputStream(s.preprocessor));
          preprocessor = Preprocessor.read(in, "section preprocessor");
          if (in.available() != 0) {
            throw new ModelFormatException(
                source,
                "section preprocessor: "
                    + in.available()
                    + " unused byte(s) after the preprocessor");
          }
        } catch (EOFException e) {
          throw new ModelFormatException(source, "section preprocessor: contents end early", e);
        } catch (DataException e) {
          throw new ModelFormatException(source, e.getMessage(), e);
        } catch (ModelFormatException e) {
          throw e;
        } catch (IOException e) {
          throw new IllegalStateException("reading a byte array", e);
        }
      }
      try {
        return new SavedModel(spec, s.params, s.state, preprocessor, s.provenance);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, "invalid model: " + e.getMessage(), e);
      }
    }

    private Sections sections() throws Truncated, ModelFormatException {
      section = "spec";
      byte[] spec = bytes(count(1), "contents");
      section = "parameters";
      double[] params = doubles(count(8));
      section = "state";
      double[] state = doubles(count(8));
      section = "preprocessor";
      need(1, "presence flag");
      byte flag = buf.get();
      byte[] preprocessor = null;
      if (flag == 1) {
        preprocessor = bytes(count(1), "contents");
      } else if (flag != 0) {
        throw new ModelFormatException(
            source, "section preprocessor: presence flag is " + flag + ", expected 0 or 1");
      }
      section = "provenance";
      // Each entry takes at least 8 bytes (two empty strings), which bounds the map's size.
      int entries = count(8);
      Map<String, String> provenance = new LinkedHashMap<>();
      for (int i = 0; i < entries; i++) {
        String key = decode(bytes(count(1), "key " + i), "provenance key " + i);
        String value =
            decode(bytes(count(1), "value of '" + key + "'"), "provenance '" + key + "'");
        if (provenance.put(key, value) != null) {
          throw new ModelFormatException(source, "section provenance: duplicate key '" + key + "'");
        }
      }
      return new Sections(spec, params, state, preprocessor, provenance);
    }

    /** Reads a non-negative count of items of {@code itemBytes} each; refuses absurd counts. */
    private int count(int itemBytes) throws Truncated, ModelFormatException {
      need(4, "length");
      int n = buf.getInt();
      if (n < 0) {
        throw new ModelFormatException(source, "section " + section + ": negative length " + n);
      }
      long bytes = (long) n * itemBytes;
      if (buf.position() + bytes > bodyEnd && buf.capacity() >= bodyEnd + CRC_BYTES) {
        // The body is complete, so this length is larger than the file: refuse it.
        throw new ModelFormatException(
            source,
            "section "
                + section
                + ": length "
                + n
                + " ("
                + bytes
                + " bytes) exceeds the "
                + (bodyEnd - buf.position())
                + " bytes left before the checksum");
      }
      return n;
    }

    private void need(long bytes, String what) throws Truncated {
      long left = bodyEnd - buf.position();
      if (left < bytes) {
        throw new Truncated(
            "section "
                + section
                + ": expected "
                + bytes
                + (bytes == 1 ? " byte (" : " bytes (")
                + what
                + "), got "
                + Math.max(0, left));
      }
    }

    private byte[] bytes(int n, String what) throws Truncated {
      need(n, what);
      byte[] b = new byte[n];
      buf.get(b);
      return b;
    }

    private double[] doubles(int n) throws Truncated {
      need(8L * n, n + " doubles");
      double[] d = new double[n];
      buf.asDoubleBuffer().get(d);
      buf.position(buf.position() + 8 * n);
      return d;
    }

    private String decode(byte[] b, String what) throws ModelFormatException {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b))
            .toString();
      } catch (CharacterCodingException e) {
        throw new ModelFormatException(
            source, "section " + section + ": " + what + " is not valid UTF-8", e);
      }
    }
  }

  private record Sections(
      byte[] spec,
      double[] params,
      double[] state,
      byte[] preprocessor,
      Map<String, String> provenance) {}

  /** Internal signal: the body ended inside a section; the message says where. */
  private static final class Truncated extends Exception {
    Truncated(String message) {
      super(message, null, false, false);
    }
  }

  private static void writeDoubles(DataOutputStream d, double[] values) throws IOException {
    d.writeInt(values.length);
    ByteBuffer chunk = ByteBuffer.allocate(8 * CHUNK_DOUBLES);
    for (int from = 0; from < values.length; from += CHUNK_DOUBLES) {
      int n = Math.min(CHUNK_DOUBLES, values.length - from);
      chunk.clear();
      chunk.asDoubleBuffer().put(values, from, n);
      d.write(chunk.array(), 0, 8 * n);
    }
  }

  private static void writeString(DataOutputStream d, String s) throws IOException {
    byte[] b = utf8(s);
    d.writeInt(b.length);
    d.write(b);
  }

  private static byte[] utf8(String s) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "string is not valid Unicode (unpaired surrogate?): " + e.getMessage());
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(sb.length() == 0 ? "" : " ").append(String.format("%02x", x));
    }
    return sb.length() == 0 ? "(empty)" : sb.toString();
  }
}
