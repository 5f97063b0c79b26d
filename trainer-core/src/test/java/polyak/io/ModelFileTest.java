package polyak.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.Dataset;
import polyak.data.Standardizer;
import polyak.spec.ActivationKind;
import polyak.spec.LayerSpec;
import polyak.spec.LossSpec;
import polyak.spec.NetworkSpec;

class ModelFileTest {
  private static final int PARAMS = 1000;

  @TempDir Path dir;

  private static NetworkSpec spec() {
    return new NetworkSpec(
        6,
        List.of(
            new LayerSpec.Dense(5),
            new LayerSpec.BatchNorm(),
            new LayerSpec.Activation(ActivationKind.LEAKY_RELU, 0.02),
            new LayerSpec.Dropout(0.8),
            new LayerSpec.Dense(3)),
        new LossSpec(LossSpec.Kind.SOFTMAX_CE, 0.1));
  }

  private static SavedModel model() {
    Random r = new Random(11);
    double[] params = new double[PARAMS];
    for (int i = 0; i < params.length; i++) {
      params[i] = r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10);
    }
    params[0] = -0.0;
    params[1] = Double.MIN_VALUE;
    params[2] = Double.MAX_VALUE;
    double[] state = {0.5, -1.25, 3e-300, 7, 0, 1, 2, 3, 4, 5};
    double[] x = new double[6 * 20];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble() * (i % 6);
    }
    Standardizer z = Standardizer.fit(Dataset.regression("train", 6, x, 1, new double[20], 0));
    Map<String, String> prov = new LinkedHashMap<>();
    prov.put("polyak.version", "0.1.0-SNAPSHOT");
    prov.put("seed", "42");
    prov.put("iterations", "12000");
    prov.put("config", "optimizer { kind = adam, lr = 1e-3 }\nbatch = 128");
    prov.put("git.commit", "91e5333");
    prov.put("date", "2025-01-01T00:00:00Z");
    prov.put("note", "Grüße, 模型 ✓");
    prov.put("", "");
    return new SavedModel(spec(), params, state, z, prov);
  }

  private static byte[] bytes(SavedModel m) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ModelFile.write(m, b);
    return b.toByteArray();
  }

  private static SavedModel read(byte[] b, String source) throws IOException {
    return ModelFile.read(new ByteArrayInputStream(b), source);
  }

  private static void assertSameBits(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          Double.doubleToRawLongBits(expected[i]),
          Double.doubleToRawLongBits(actual[i]),
          "index " + i);
    }
  }

  private static void assertSameModel(SavedModel expected, SavedModel actual) {
    assertEquals(expected.spec().text(), actual.spec().text());
    assertEquals(expected.spec(), actual.spec());
    assertSameBits(expected.params(), actual.params());
    assertSameBits(expected.state(), actual.state());
    assertEquals(expected.provenance(), actual.provenance());
    assertEquals(
        new ArrayList<>(expected.provenance().keySet()),
        new ArrayList<>(actual.provenance().keySet()));
    assertEquals(expected.preprocessor().isPresent(), actual.preprocessor().isPresent());
    if (expected.preprocessor().isPresent()) {
      Standardizer a = (Standardizer) expected.preprocessor().get();
      Standardizer b = (Standardizer) actual.preprocessor().get();
      assertSameBits(a.mean(), b.mean());
      assertSameBits(a.std(), b.std());
    }
  }

  @Test
  void saveThenLoadIsBitForBitIdentical() throws IOException {
    SavedModel m = model();
    Path file = dir.resolve("model.polyak");
    ModelFile.save(m, file);
    assertSameModel(m, ModelFile.load(file));
    assertArrayEquals(bytes(m), Files.readAllBytes(file));
    assertSameModel(m, read(Files.readAllBytes(file), "x"));
  }

  @Test
  void saveReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
    Path file = dir.resolve("model.polyak");
    Files.writeString(file, "old contents");
    SavedModel m =
        new SavedModel(spec(), new double[] {1, 2, 3}, new double[0], null, Map.of("seed", "1"));
    ModelFile.save(m, file);
    assertSameModel(m, ModelFile.load(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void modelWithoutPreprocessorStateOrProvenanceRoundTrips() throws IOException {
    SavedModel m = new SavedModel(spec(), new double[] {1.5}, new double[0], null, Map.of());
    SavedModel back = read(bytes(m), "s");
    assertSameModel(m, back);
    assertTrue(back.preprocessor().isEmpty());
  }

  @Test
  void savedModelIsImmutable() {
    double[] params = {1, 2};
    Map<String, String> prov = new LinkedHashMap<>(Map.of("a", "b"));
    SavedModel m = new SavedModel(spec(), params, new double[0], null, prov);
    params[0] = 99;
    prov.put("c", "d");
    m.params()[1] = 99;
    assertArrayEquals(new double[] {1, 2}, m.params());
    assertEquals(Map.of("a", "b"), m.provenance());
    assertThrows(UnsupportedOperationException.class, () -> m.provenance().put("x", "y"));
  }

  @Test
  void invalidModelsAreRefusedWhenBuilt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SavedModel(
                    spec(), new double[] {1, Double.NaN}, new double[0], null, Map.of()));
    assertEquals("parameter 1 is NaN; a model must be finite", e.getMessage());
    Standardizer wrongWidth = Standardizer.of(new double[] {0, 0}, new double[] {1, 1});
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SavedModel(spec(), new double[] {1}, new double[0], wrongWidth, Map.of()));
    assertTrue(
        e.getMessage().contains("fitted on 2 features, but the network's input width is 6"),
        e.getMessage());
  }

  /** Offset of the first parameter value: header, spec section, parameter count. */
  private static int paramsOffset(SavedModel m) {
    return 20 + 4 + m.spec().text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4;
  }

  @Test
  void truncatedFileNamesTheSectionAndByteCounts() throws IOException {
    SavedModel m = model();
    byte[] full = bytes(m);
    Path file = dir.resolve("cut.polyak");
    int cut = paramsOffset(m) + 120;
    Files.write(file, Arrays.copyOf(full, cut));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
    assertEquals(
        file
            + ": truncated in section parameters: expected 8000 bytes (1000 doubles), got 120 (file has "
            + cut
            + " bytes, header declares "
            + full.length
            + ")",
        e.getMessage());
    assertEquals(file.toString(), e.source());
  }

  @Test
  void fileCutAnywhereIsRefusedAsTruncated() throws IOException {
    byte[] full = bytes(model());
    List<String> sections = new ArrayList<>();
    for (int cut = 0; cut < full.length; cut++) {
      byte[] part = Arrays.copyOf(full, cut);
      ModelFormatException e =
          assertThrows(ModelFormatException.class, () -> read(part, "m.bin"), "cut " + cut);
      assertTrue(
          e.getMessage().startsWith("m.bin: truncated in "), "cut " + cut + ": " + e.getMessage());
      String section = e.getMessage().substring("m.bin: truncated in ".length()).split(":")[0];
      if (!sections.contains(section)) {
        sections.add(section);
      }
    }
    assertEquals(
        List.of(
            "header",
            "section spec",
            "section parameters",
            "section state",
            "section preprocessor",
            "section provenance",
            "checksum"),
        sections);
    // A few cuts through the file system path too.
    for (int cut : new int[] {0, 7, 19, full.length / 2, full.length - 1}) {
      Path file = dir.resolve("cut" + cut);
      Files.write(file, Arrays.copyOf(full, cut));
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
      assertTrue(e.getMessage().startsWith(file + ": truncated in "), e.getMessage());
    }
  }

  @Test
  void everyFlippedByteIsRefused() throws IOException {
    byte[] full = bytes(model());
    for (int i = 0; i < full.length; i++) {
      byte[] altered = full.clone();
      altered[i] ^= 0x10;
      ModelFormatException e =
          assertThrows(
              ModelFormatException.class, () -> read(altered, "m.bin"), "flipped byte " + i);
      assertTrue(e.getMessage().startsWith("m.bin: "), e.getMessage());
      if (i >= 20) {
        assertTrue(
            e.getMessage().startsWith("m.bin: checksum mismatch: stored CRC32 "),
            "byte " + i + ": " + e.getMessage());
      }
    }
    Path file = dir.resolve("flipped.polyak");
    byte[] altered = full.clone();
    altered[paramsOffset(model()) + 333] ^= 1;
    Files.write(file, altered);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().startsWith(file + ": checksum mismatch"), e.getMessage());
  }

  @Test
  void wrongMagicIsRefused() throws IOException {
    Path file = dir.resolve("model.zip");
    byte[] zip = bytes(model());
    System.arraycopy(new byte[] {'P', 'K', 3, 4}, 0, zip, 0, 4);
    Files.write(file, zip);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
    assertEquals(
        file
            + ": not a polyak model file: magic is 50 4b 03 04 41 4b 4d 00, expected"
            + " 50 4f 4c 59 41 4b 4d 00 (\"POLYAKM\\0\")",
        e.getMessage());
    e = assertThrows(ModelFormatException.class, () -> read("hello".getBytes(), "short.txt"));
    assertTrue(
        e.getMessage().startsWith("short.txt: not a polyak model file: magic is 68 65 6c 6c 6f"),
        e.getMessage());
  }

  @Test
  void unsupportedVersionIsRefused() throws IOException {
    byte[] b = bytes(model());
    ByteBuffer.wrap(b).putInt(8, 2);
    fixCrc(b);
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> read(b, "future.polyak"));
    assertEquals(
        "future.polyak: unsupported format version 2 (this reader supports 1)", e.getMessage());
  }

  @Test
  void absurdLengthsAreRefusedWithoutAllocating() throws IOException {
    byte[] b = bytes(model());
    ByteBuffer.wrap(b).putLong(12, 1L << 40);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(b, "big"));
    assertTrue(
        e.getMessage()
            .startsWith("big: header declares a file length of 1099511627776 bytes, outside"),
        e.getMessage());

    byte[] d = bytes(model());
    ByteBuffer.wrap(d).putLong(12, d.length + 16L);
    e = assertThrows(ModelFormatException.class, () -> read(d, "len"));
    assertEquals(
        "len: file has "
            + d.length
            + " bytes, but the header declares "
            + (d.length + 16)
            + " and the sections end early enough for a complete file: corrupt length field",
        e.getMessage());

    // A huge parameter count behind a valid checksum (a writer bug or a forged file).
    byte[] c = bytes(model());
    ByteBuffer.wrap(c).putInt(paramsOffset(model()) - 4, Integer.MAX_VALUE);
    fixCrc(c);
    e = assertThrows(ModelFormatException.class, () -> read(c, "forged"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "forged: section parameters: length 2147483647 (17179869176 bytes)"
                    + " exceeds the "),
        e.getMessage());
  }

  @Test
  void trailingBytesAreRefused() throws IOException {
    byte[] full = bytes(model());
    byte[] longer = Arrays.copyOf(full, full.length + 3);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(longer, "long"));
    assertEquals(
        "long: 3 trailing byte(s) after the declared length of " + full.length + " bytes",
        e.getMessage());
  }

  @Test
  void invalidSpecTextBehindValidChecksumIsReportedBySection() throws IOException {
    SavedModel m = model();
    byte[] b = bytes(m);
    int specAt = 24;
    byte[] bad = "input 6\nwobble 3\n".getBytes();
    byte[] c = new byte[b.length];
    // Overwrite the start of the spec text in place (same length), keeping everything else.
    System.arraycopy(b, 0, c, 0, b.length);
    System.arraycopy(bad, 0, c, specAt, bad.length);
    fixCrc(c);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(c, "m"));
    assertTrue(
        e.getMessage().startsWith("m: section spec line 2 ('wobble 3'): unknown layer"),
        e.getMessage());
  }

  private static void fixCrc(byte[] b) {
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 4);
    ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
  }

  @Test
  void formatIsDocumentedLayout() throws IOException {
    SavedModel m =
        new SavedModel(spec(), new double[] {1.0}, new double[] {2.0}, null, Map.of("k", "v"));
    byte[] b = bytes(m);
    ByteBuffer buf = ByteBuffer.wrap(b);
    byte[] magic = new byte[8];
    buf.get(magic);
    assertArrayEquals("POLYAKM\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), magic);
    assertEquals(1, buf.getInt());
    assertEquals(b.length, buf.getLong());
    byte[] spec = new byte[buf.getInt()];
    buf.get(spec);
    assertEquals(m.spec().text(), new String(spec, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(1, buf.getInt());
    assertEquals(1.0, buf.getDouble());
    assertEquals(1, buf.getInt());
    assertEquals(2.0, buf.getDouble());
    assertEquals(0, buf.get());
    assertEquals(1, buf.getInt());
    assertEquals(1, buf.getInt());
    assertEquals('k', buf.get());
    assertEquals(1, buf.getInt());
    assertEquals('v', buf.get());
    CRC32 crc = new CRC32();
    crc.update(b, 0, buf.position());
    assertEquals((int) crc.getValue(), buf.getInt());
    assertFalse(buf.hasRemaining());
  }
}
