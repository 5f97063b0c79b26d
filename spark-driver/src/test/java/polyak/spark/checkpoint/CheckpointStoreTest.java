package polyak.spark.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.spark.io.AtomicWrite;

/**
 * A run killed while writing a checkpoint (or a model) leaves the previous one readable: leftover
 * temporary files are ignored, damaged final files are skipped, and a failed write removes its
 * temporary file and leaves the old target as it was.
 */
class CheckpointStoreTest {
  static final Configuration HADOOP = new Configuration();

  @TempDir Path dir;

  private CheckpointStore store(int keep) {
    return new CheckpointStore(dir.toString(), HADOOP, keep);
  }

  private static byte[] state(long step) {
    byte[] s = new byte[1000 + (int) step];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (i * 31 + step);
    }
    return s;
  }

  private static Path file(Path dir, long step) {
    return dir.resolve(String.format("ckpt-%012d.polyak", step));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private void assertLatestIs10(CheckpointStore store) throws IOException {
    Optional<Checkpoint> latest = store.latest();
    assertTrue(latest.isPresent());
    assertEquals(10, latest.get().step());
    assertArrayEquals(state(10), latest.get().state());
    assertEquals("{config 10}", latest.get().config());
    assertArrayEquals(new int[] {3, 4, 5}, latest.get().partitionRows());
  }

  @Test
  void roundTripAndNewestWins() throws IOException {
    CheckpointStore s = store(5);
    assertTrue(s.latest().isEmpty());
    s.write(5, "{config 5}", new int[] {1, 2}, state(5));
    String f = s.write(10, "{config 10}", new int[] {3, 4, 5}, state(10));
    assertEquals(file(dir, 10).toString(), f);
    assertLatestIs10(s);
    Checkpoint five = s.read(file(dir, 5).toString());
    assertEquals(5, five.step());
    assertArrayEquals(state(5), five.state());
  }

  @Test
  void keepsOnlyTheNewestAndNoTemporaryFiles() throws IOException {
    CheckpointStore s = store(2);
    for (long step : new long[] {5, 10, 15, 20}) {
      s.write(step, "{}", new int[] {1}, state(step));
    }
    assertEquals(
        List.of("ckpt-000000000015.polyak", "ckpt-000000000020.polyak"),
        names().stream().filter(n -> !n.endsWith(".crc")).collect(Collectors.toList()));
    assertEquals(20, s.latest().orElseThrow().step());
  }

  @Test
  void leftoverTemporaryFileOfAKilledWriteIsIgnored() throws IOException {
    CheckpointStore s = store(2);
    s.write(10, "{config 10}", new int[] {3, 4, 5}, state(10));
    byte[] whole = CheckpointStore.encode(20, "{config 20}", new int[] {3, 4, 5}, state(20));
    Files.write(
        dir.resolve("ckpt-000000000020.polyak.tmp"), Arrays.copyOf(whole, whole.length / 2));
    assertLatestIs10(s);
    // the next write of step 20 replaces the leftover
    s.write(20, "{config 20}", new int[] {3, 4, 5}, state(20));
    assertEquals(20, s.latest().orElseThrow().step());
    assertTrue(names().stream().noneMatch(n -> n.endsWith(".tmp")), names()::toString);
  }

  @Test
  void truncatedFinalFileIsSkipped() throws IOException {
    CheckpointStore s = store(2);
    s.write(10, "{config 10}", new int[] {3, 4, 5}, state(10));
    byte[] whole = CheckpointStore.encode(20, "{config 20}", new int[] {3, 4, 5}, state(20));
    for (int length :
        new int[] {0, 5, 8, 20, whole.length / 2, whole.length - 8, whole.length - 1}) {
      Files.write(file(dir, 20), Arrays.copyOf(whole, length));
      assertLatestIs10(s);
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> s.read(file(dir, 20).toString()));
      assertTrue(e.getMessage().contains("ckpt-000000000020.polyak"), e.getMessage());
    }
  }

  @Test
  void corruptedFinalFileIsSkipped() throws IOException {
    CheckpointStore s = store(2);
    s.write(10, "{config 10}", new int[] {3, 4, 5}, state(10));
    byte[] whole = CheckpointStore.encode(20, "{config 20}", new int[] {3, 4, 5}, state(20));
    for (int at : new int[] {0, 9, 20, whole.length / 2, whole.length - 9, whole.length - 1}) {
      byte[] bad = whole.clone();
      bad[at] ^= 0x10;
      Files.write(file(dir, 20), bad);
      assertLatestIs10(s);
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> s.read(file(dir, 20).toString()));
      assertTrue(e.getMessage().startsWith(file(dir, 20).toString()), e.getMessage());
    }
    // zeros where the end was never written (a file system that pre-allocates)
    byte[] zeros = whole.clone();
    Arrays.fill(zeros, whole.length / 2, whole.length, (byte) 0);
    Files.write(file(dir, 20), zeros);
    assertLatestIs10(s);
  }

  /**
   * Damaged after a whole write: on the local file system Hadoop then also finds the file
   * disagreeing with its .crc side file (a ChecksumException, not a CheckpointException).
   */
  @Test
  void checkpointDamagedAfterItWasWrittenIsSkipped() throws IOException {
    CheckpointStore s = store(3);
    s.write(10, "{config 10}", new int[] {3, 4, 5}, state(10));
    s.write(20, "{config 20}", new int[] {3, 4, 5}, state(20));
    assertTrue(Files.exists(dir.resolve(".ckpt-000000000020.polyak.crc")), names()::toString);
    byte[] whole = Files.readAllBytes(file(dir, 20));
    Files.write(file(dir, 20), Arrays.copyOf(whole, whole.length / 2));
    assertLatestIs10(s);
    byte[] flipped = whole.clone();
    flipped[100] ^= 4;
    Files.write(file(dir, 20), flipped);
    assertLatestIs10(s);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> s.read(file(dir, 20).toString()));
    assertTrue(e.getMessage().contains("ckpt-000000000020.polyak"), e.getMessage());
  }

  @Test
  void fileWhoseNameDisagreesWithItsStepIsSkipped() throws IOException {
    CheckpointStore s = store(2);
    s.write(10, "{config 10}", new int[] {3, 4, 5}, state(10));
    Files.write(file(dir, 30), CheckpointStore.encode(25, "{}", new int[] {1}, state(25)));
    assertLatestIs10(s);
  }

  private CheckpointStore store(int keep, String run) {
    return new CheckpointStore(dir.toString(), HADOOP, keep, run);
  }

  private static java.util.Map<String, String> run(String id) {
    return java.util.Map.of("run_id", id, "dense_kernel", "ejml");
  }

  /**
   * Two runs' checkpoints in one directory: each prunes and resumes only its own, and never
   * replaces the other's.
   */
  @Test
  void runsNeverPruneResumeOrReplaceEachOthersCheckpoints() throws IOException {
    CheckpointStore a = store(2, "run-a");
    a.write(30, run("run-a"), "{a}", new int[] {1}, state(30));
    a.write(40, run("run-a"), "{a}", new int[] {1}, state(40));
    // a later, shorter run with lower step numbers: keeping "the newest two" by step would delete
    // all of it
    CheckpointStore b = store(2, "run-b");
    for (long step : new long[] {5, 10, 15}) {
      b.write(step, run("run-b"), "{b}", new int[] {1}, state(step));
    }
    assertEquals(
        List.of(
            "ckpt-000000000010.polyak",
            "ckpt-000000000015.polyak",
            "ckpt-000000000030.polyak",
            "ckpt-000000000040.polyak"),
        names().stream().filter(n -> !n.endsWith(".crc")).collect(Collectors.toList()));
    assertEquals(15, b.latest().orElseThrow().step());
    assertEquals("run-b", b.latest().orElseThrow().runId());
    assertEquals(40, a.latest().orElseThrow().step());
    assertEquals("ejml", a.latest().orElseThrow().provenance().get("dense_kernel"));
    assertEquals(List.of("run-b", "run-a"), List.copyOf(store(2).runIds()));

    IOException e =
        assertThrows(
            IOException.class, () -> b.write(30, run("run-b"), "{b}", new int[] {1}, state(30)));
    assertTrue(e.getMessage().contains("belongs to run run-a"), e.getMessage());
    assertEquals("run-a", a.read(file(dir, 30).toString()).runId());
    // asked to (--overwrite): it may, and the other run's files go when told
    store(2, "run-b").replacingOtherRuns().write(30, run("run-b"), "{b}", new int[] {1}, state(30));
    assertEquals(1, b.deleteOtherRuns("run-b"));
    assertEquals(List.of("run-b"), List.copyOf(store(2).runIds()));
  }

  /** A version-1 checkpoint (before run ids) is still read, as run "legacy" without provenance. */
  @Test
  void versionOneCheckpointIsReadAsRunLegacy() throws IOException {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(buf);
    out.write("POLYAKC\0".getBytes(StandardCharsets.US_ASCII));
    out.writeInt(1);
    out.writeLong(7);
    byte[] config = "{old}".getBytes(StandardCharsets.UTF_8);
    out.writeInt(config.length);
    out.write(config);
    out.writeInt(2);
    out.writeInt(3);
    out.writeInt(4);
    out.writeInt(state(7).length);
    out.write(state(7));
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(buf.toByteArray());
    out.writeLong(crc.getValue());
    Files.write(file(dir, 7), buf.toByteArray());

    Checkpoint c = store(2, "legacy").latest().orElseThrow();
    assertEquals(7, c.step());
    assertEquals("legacy", c.runId());
    assertEquals(java.util.Map.of(), c.provenance());
    assertEquals("{old}", c.config());
    assertArrayEquals(new int[] {3, 4}, c.partitionRows());
    assertArrayEquals(state(7), c.state());
    assertTrue(store(2, "20261130-232215-3fa9c1").latest().isEmpty());
  }

  @Test
  void allDamagedMeansNoCheckpoint() throws IOException {
    Files.write(file(dir, 10), "POLYAKC\0 but nothing else".getBytes(StandardCharsets.US_ASCII));
    Files.write(file(dir, 20), new byte[0]);
    assertTrue(store(2).latest().isEmpty());
  }

  @Test
  void missingDirectoryHasNoCheckpoint() throws IOException {
    assertTrue(new CheckpointStore(dir.resolve("none").toString(), HADOOP, 2).latest().isEmpty());
  }

  @Test
  void failedAtomicWriteLeavesTargetAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("model.polyak");
    AtomicWrite.write(
        target.toString(), HADOOP, out -> out.write("good model".getBytes(StandardCharsets.UTF_8)));
    assertEquals("good model", Files.readString(target));
    List<String> before = names();

    IOException io =
        assertThrows(
            IOException.class,
            () ->
                AtomicWrite.write(
                    target.toString(),
                    HADOOP,
                    out -> {
                      out.write(new byte[100_000]);
                      throw new IOException("disk full");
                    }));
    assertEquals("disk full", io.getMessage());
    assertEquals("good model", Files.readString(target));
    assertEquals(before, names());

    assertThrows(
        UncheckedIOException.class,
        () ->
            AtomicWrite.write(
                target.toString(),
                HADOOP,
                out -> {
                  out.write(1);
                  throw new UncheckedIOException(new IOException("serializer failed"));
                }));
    assertEquals("good model", Files.readString(target));
    assertEquals(before, names());

    // a new file that fails is not created at all
    Path fresh = dir.resolve("fresh.polyak");
    assertThrows(
        IllegalStateException.class,
        () ->
            AtomicWrite.write(
                fresh.toString(),
                HADOOP,
                out -> {
                  out.write(2);
                  throw new IllegalStateException("boom");
                }));
    assertEquals(before, names());
  }

  @Test
  void failedCheckpointWriteKeepsPreviousCheckpoint() throws IOException {
    CheckpointStore s = store(1);
    s.write(10, "{config 10}", new int[] {3, 4, 5}, state(10));
    List<String> before = names();
    // a checkpoint that cannot be encoded (no config) fails before anything is written, pruning
    // nothing
    assertThrows(
        NullPointerException.class, () -> s.write(20, null, new int[] {3, 4, 5}, state(20)));
    assertEquals(before, names());
    assertLatestIs10(s);
  }
}
