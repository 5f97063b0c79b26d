package polyak.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  private static final Path FASHION = FashionMnist.directory();

  @TempDir Path tmp;

  static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(magic);
    for (int dim : dims) {
      d.writeInt(dim);
    }
    d.write(data);
    return b.toByteArray();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(b)) {
      gz.write(raw);
    }
    return b.toByteArray();
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(tmp.resolve(name), content);
  }

  private static byte[] gunzip(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @Test
  void readsRealFashionMnistTestSetIdenticallyFromGzipAndRawCopy() throws IOException {
    Path images = FASHION.resolve("t10k-images-idx3-ubyte.gz");
    Path labels = FASHION.resolve("t10k-labels-idx1-ubyte.gz");
    assertTrue(
        Files.exists(images) && Files.exists(labels),
        "Fashion-MNIST not found in " + FASHION + "; " + FashionMnist.INSTALL_HINT);

    Dataset test = IdxReader.readClassification(images, labels);
    assertEquals(10000, test.rows());
    assertEquals(784, test.width());
    assertEquals(10, test.classes());
    int[] perClass = new int[10];
    for (int y : test.labels()) {
      perClass[y]++;
    }
    for (int c = 0; c < 10; c++) {
      assertEquals(1000, perClass[c], "class " + c); // the t10k set is balanced
    }
    double max = Arrays.stream(test.features()).max().orElseThrow();
    double min = Arrays.stream(test.features()).min().orElseThrow();
    assertEquals(0.0, min);
    assertEquals(255.0, max);

    // The same bytes uncompressed, under names that do not end in .gz: detection is by content.
    byte[] rawLabels = gunzip(labels);
    byte[] rawImages = gunzip(images);
    Dataset raw =
        IdxReader.readClassification(
            write("images.bin", rawImages), write("labels.bin", rawLabels));
    assertArrayEquals(test.labels(), raw.labels());
    assertArrayEquals(test.features(), raw.features());
    // First label straight from the file's bytes (after the 8-byte header); Fashion-MNIST's is 9.
    assertEquals(rawLabels[8] & 0xff, test.labels()[0]);
    assertEquals(9, test.labels()[0]);
    // Pixel (row 0, feature 400) straight from the image bytes (after the 16-byte header).
    assertEquals(rawImages[16 + 400] & 0xff, test.features()[400]);
  }

  @Test
  void loadsTheFullTrainingSet() throws IOException {
    Path images = FASHION.resolve("train-images-idx3-ubyte.gz");
    Path labels = FASHION.resolve("train-labels-idx1-ubyte.gz");
    assertTrue(
        Files.exists(images) && Files.exists(labels),
        "Fashion-MNIST not found in " + FASHION + "; " + FashionMnist.INSTALL_HINT);
    Dataset train = IdxReader.readClassification(images, labels);
    assertEquals(60000, train.rows());
    assertEquals(784, train.width());
    int[] perClass = new int[10];
    for (int y : train.labels()) {
      perClass[y]++;
    }
    for (int c = 0; c < 10; c++) {
      assertEquals(6000, perClass[c], "class " + c); // the training set is balanced too
    }
  }

  @Test
  void roundTripOfASmallFileRawAndGzipped() throws IOException {
    byte[] pixels = {0, 1, 2, (byte) 255, 10, 20, 30, 40, (byte) 128, 0, 0, 7};
    byte[] images = idx(IdxReader.IMAGES_MAGIC, new int[] {3, 2, 2}, pixels);
    byte[] labels = idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {4, 0, 9});
    for (boolean gz : new boolean[] {false, true}) {
      Path ip = write("i" + gz, gz ? gzip(images) : images);
      Path lp = write("l" + gz, gz ? gzip(labels) : labels);
      IdxArray a = IdxReader.read(ip);
      assertArrayEquals(new int[] {3, 2, 2}, a.dims());
      assertEquals(3, a.count());
      assertEquals(4, a.itemWidth());
      assertEquals(IdxReader.IMAGES_MAGIC, a.magic());
      Dataset d = IdxReader.readClassification(ip, lp);
      assertEquals(3, d.rows());
      assertEquals(4, d.width());
      assertArrayEquals(new double[] {0, 1, 2, 255, 10, 20, 30, 40, 128, 0, 0, 7}, d.features());
      assertArrayEquals(new int[] {4, 0, 9}, d.labels());
      assertEquals(ip.toString(), d.source());
    }
    // Stream form, as the Spark side uses it.
    Dataset s =
        IdxReader.readClassification(
            new ByteArrayInputStream(gzip(images)),
            "hdfs://x/images",
            new ByteArrayInputStream(labels),
            "hdfs://x/labels",
            10);
    assertArrayEquals(new int[] {4, 0, 9}, s.labels());
    assertEquals("hdfs://x/images", s.source());
  }

  @Test
  void truncatedFileNamesFileAndByteCounts() throws IOException {
    byte[] full = idx(IdxReader.IMAGES_MAGIC, new int[] {3, 2, 2}, new byte[12]);
    Path p = write("short-images", Arrays.copyOf(full, full.length - 2));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().startsWith(p.toString() + ": truncated"), e.getMessage());
    assertTrue(e.getMessage().contains("need 12 data bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("got 10"), e.getMessage());

    Path gz = write("short-images.gz", gzip(Arrays.copyOf(full, full.length - 2)));
    e = assertThrows(DataException.class, () -> IdxReader.read(gz));
    assertTrue(e.getMessage().startsWith(gz + ": truncated"), e.getMessage());

    Path header = write("short-header", Arrays.copyOf(full, 10));
    e = assertThrows(DataException.class, () -> IdxReader.read(header));
    assertTrue(
        e.getMessage().contains(header + ": truncated in header: expected 12 bytes"),
        e.getMessage());
  }

  @Test
  void truncatedGzipStreamIsRefused() throws IOException {
    byte[] compressed =
        gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {50, 10, 10}, randomBytes(5000)));
    Path p = write("cut.gz", Arrays.copyOf(compressed, compressed.length / 2));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().startsWith(p + ": truncated"), e.getMessage());
  }

  @Test
  void trailingBytesAreRefused() throws IOException {
    byte[] full = idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {1, 2, 3, 4, 5});
    Path p = write("long-labels", full);
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().startsWith(p + ": 2 trailing byte(s)"), e.getMessage());
  }

  @Test
  void wrongMagicNamesFileAndMagicFound() throws IOException {
    Path p = write("not-idx", idx(0x12345678, new int[] {1}, new byte[1]));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().startsWith(p + ": not an IDX file"), e.getMessage());
    assertTrue(e.getMessage().contains("0x12345678"), e.getMessage());

    Path floats = write("floats", idx(0x00000D01, new int[] {1}, new byte[4]));
    e = assertThrows(DataException.class, () -> IdxReader.read(floats));
    assertTrue(
        e.getMessage().contains(floats + ": IDX magic 0x00000d01 has element type 0x0d (float)"),
        e.getMessage());

    Path zeroDims = write("zero-dims", idx(0x00000800, new int[] {}, new byte[0]));
    e = assertThrows(DataException.class, () -> IdxReader.read(zeroDims));
    assertTrue(e.getMessage().contains("declares 0 dimensions"), e.getMessage());
  }

  @Test
  void nonPositiveOrHugeDimensionsAreRefused() throws IOException {
    Path zero = write("zero", idx(IdxReader.IMAGES_MAGIC, new int[] {3, 0, 2}, new byte[0]));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(zero));
    assertTrue(e.getMessage().startsWith(zero + ": dimension 1 is 0"), e.getMessage());

    Path huge =
        write("huge", idx(IdxReader.IMAGES_MAGIC, new int[] {100000, 10000, 10000}, new byte[0]));
    e = assertThrows(DataException.class, () -> IdxReader.read(huge));
    assertTrue(e.getMessage().contains("too many for one array"), e.getMessage());
  }

  @Test
  void swappedImagesAndLabelsFilesAreRefused() throws IOException {
    Path images =
        write("images", idx(IdxReader.IMAGES_MAGIC, new int[] {2, 1, 1}, new byte[] {1, 2}));
    Path labels = write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {1, 2}));
    DataException e =
        assertThrows(DataException.class, () -> IdxReader.readClassification(labels, images));
    assertTrue(e.getMessage().startsWith(labels + ": expected an images file"), e.getMessage());
    assertTrue(e.getMessage().contains("found magic 0x00000801"), e.getMessage());
  }

  @Test
  void labelOutsideClassesNamesFileAndRow() throws IOException {
    Path images = write("images", idx(IdxReader.IMAGES_MAGIC, new int[] {3, 1, 2}, new byte[6]));
    Path labels =
        write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {1, 10, 2}));
    DataException e =
        assertThrows(DataException.class, () -> IdxReader.readClassification(images, labels));
    assertEquals(labels + ": row 1: label 10 outside [0, 10)", e.getMessage());
    // With 11 classes the same files are fine.
    assertEquals(10, IdxReader.readClassification(images, labels, 11).labels()[1]);
  }

  @Test
  void imageAndLabelCountsMustAgree() throws IOException {
    Path images = write("images", idx(IdxReader.IMAGES_MAGIC, new int[] {3, 1, 2}, new byte[6]));
    Path labels = write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {1, 2}));
    DataException e =
        assertThrows(DataException.class, () -> IdxReader.readClassification(images, labels));
    assertEquals(images + " has 3 images but " + labels + " has 2 labels", e.getMessage());
  }

  @Test
  void nonFiniteFeatureNamesSourceRowAndFeature() {
    double[] x = {0, 1, 2, 3, 4, Double.NaN};
    DataException e =
        assertThrows(
            DataException.class,
            () -> Dataset.classification("train.csv", 3, x, new int[] {0, 1}, 2, 0));
    assertEquals("train.csv: row 1, feature 2: value NaN is not finite", e.getMessage());
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new java.util.Random(42).nextBytes(b);
    return b;
  }
}
