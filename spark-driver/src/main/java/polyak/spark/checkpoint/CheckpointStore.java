package polyak.spark.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import polyak.spark.io.AtomicWrite;

/**
 * Checkpoints in a directory on any Hadoop file system, one file per checkpoint: {@code
 * ckpt-<step>.polyak}. Each is written to a temporary name and renamed when complete, older ones
 * are deleted only after a newer one is in place, and reading picks the newest file that is whole
 * (magic, lengths and CRC32 check out) — so a run killed while writing leaves the previous
 * checkpoint readable, and a failed run never overwrites a good one.
 *
 * <p>Every checkpoint belongs to one run (its run id, in the provenance section): a store made for
 * a run prunes and resumes only that run's checkpoints and never replaces another run's file. A
 * damaged file belongs to no run: it is skipped, never pruned.
 *
 * <p>Format (big-endian, no Java serialization): magic {@code POLYAKC\0}, int version (2), long
 * step, int provenance entries + (int length + UTF-8 key, int length + UTF-8 value) each, int
 * config length + UTF-8 config, int partition count + int rows each, int state length + state
 * bytes, long CRC32 of everything before it. Version 1 (still read) has no provenance section; its
 * run id is "legacy".
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final byte[] MAGIC = "POLYAKC\0".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 2;
  private static final String LEGACY = "legacy";
  private static final Pattern NAME = Pattern.compile("ckpt-(\\d+)\\.polyak");
  private static final int MAX_SECTION = 1 << 30;

  private final String dir;
  private final Configuration conf;
  private final int keep;
  private final String runId;
  private boolean replaceOtherRuns;
  private final java.util.TreeMap<Long, Path> written = new java.util.TreeMap<>();
  private long horizon;

  /** A store that reads every run's checkpoints (writes are those of run "legacy"). */
  public CheckpointStore(String dir, Configuration conf, int keep) {
    this(dir, conf, keep, null);
  }

  /**
   * A store for run {@code runId}: {@link #latest()} and pruning see only its checkpoints.
   *
   * @param runId the run's id, or null for all runs
   */
  public CheckpointStore(String dir, Configuration conf, int keep, String runId) {
    this.dir = dir;
    this.conf = conf;
    this.keep = keep;
    this.runId = runId;
  }

  /** Lets {@link #write} replace a checkpoint file of another run (asked for with --overwrite). */
  public CheckpointStore replacingOtherRuns() {
    replaceOtherRuns = true;
    return this;
  }

  static String runIdOf(java.util.Map<String, String> provenance) {
    return provenance.getOrDefault("run_id", LEGACY);
  }

  public String directory() {
    return dir;
  }

  /**
   * Writes a checkpoint for {@code step} without provenance (run "legacy"); see the other write.
   */
  public String write(long step, String config, int[] partitionRows, byte[] state)
      throws IOException {
    return write(step, java.util.Map.of(), config, partitionRows, state);
  }

  /**
   * Writes a checkpoint for {@code step}, then deletes all but the newest {@code keep} of the same
   * run. Refuses to replace a checkpoint of another run.
   */
  public String write(
      long step,
      java.util.Map<String, String> provenance,
      String config,
      int[] partitionRows,
      byte[] state)
      throws IOException {
    String target = dir + "/" + String.format("ckpt-%012d.polyak", step);
    String writer = runIdOf(provenance);
    Path t = new Path(target);
    FileSystem fs = t.getFileSystem(conf);
    if (fs.exists(t)) {
      String owner = ownerOf(t);
      if (owner != null && !owner.equals(writer) && !replaceOtherRuns) {
        throw new IOException(
            target + " belongs to run " + owner + "; run " + writer + " does not replace it");
      }
    }
    byte[] body = encode(step, provenance, config, partitionRows, state);
    AtomicWrite.write(target, conf, out -> out.write(body));
    written.put(step, t);
    prune(writer);
    return target;
  }

  /** The run ids of the whole checkpoint files in the directory, in file order. */
  public java.util.Set<String> runIds() throws IOException {
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    for (Path p : list()) {
      String id = ownerOf(p);
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  /** Deletes the checkpoint files of every run but {@code keepRun}; returns how many. */
  public int deleteOtherRuns(String keepRun) throws IOException {
    FileSystem fs = new Path(dir).getFileSystem(conf);
    int n = 0;
    for (Path p : list()) {
      String id = ownerOf(p);
      if (id != null && !id.equals(keepRun) && fs.delete(p, false)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Deletes the checkpoints this store itself wrote for steps {@code from} and later (a run's own
   * checkpoints taken after its trouble began); files of other runs and earlier steps are left
   * alone.
   *
   * @return the deleted files, oldest first
   */
  public List<String> removeWrittenFrom(long from) throws IOException {
    List<String> removed = new ArrayList<>();
    FileSystem fs = new Path(dir).getFileSystem(conf);
    for (Path p : written.tailMap(from, true).values()) {
      if (fs.delete(p, false)) {
        removed.add(p.toString());
      }
    }
    written.tailMap(from, true).clear();
    return removed;
  }

  /** The newest whole checkpoint, skipping (with a warning) any that are damaged. */
  public Optional<Checkpoint> latest() throws IOException {
    List<Path> files = list();
    for (int i = files.size() - 1; i >= 0; i--) {
      try {
        Checkpoint c = read(files.get(i).toString());
        if (runId == null || runId.equals(c.runId())) {
          return Optional.of(c);
        }
      } catch (CheckpointException e) {
        LOG.warn("skipping damaged checkpoint: {}", e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Reads and verifies one checkpoint file. */
  public Checkpoint read(String file) throws IOException {
    Path path = new Path(file);
    byte[] bytes;
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      bytes = in.readAllBytes();
    } catch (ChecksumException e) {
      // the file system's own checksum (local .crc side file, HDFS block checksum) caught the
      // damage
      throw new CheckpointException(file + ": damaged (" + e.getMessage() + ")");
    }
    return decode(file, bytes);
  }

  private List<Path> list() throws IOException {
    Path d = new Path(dir);
    FileSystem fs = d.getFileSystem(conf);
    List<Path> out = new ArrayList<>();
    if (!fs.exists(d)) {
      return out;
    }
    FileStatus[] all = fs.listStatus(d);
    Arrays.sort(all, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    for (FileStatus s : all) {
      if (s.isFile() && NAME.matcher(s.getPath().getName()).matches()) {
        out.add(s.getPath());
      }
    }
    return out;
  }

  /**
   * Besides the newest {@code keep}, also keeps every checkpoint of the last {@code steps} steps
   * and the newest one before them, so that a run whose trouble (divergence, collapse) is found up
   * to that many steps late still has a checkpoint from before it. 0 (the default): only the newest
   * {@code keep}.
   */
  public CheckpointStore retainingRecent(long steps) {
    this.horizon = steps;
    return this;
  }

  /**
   * Deletes all but the newest {@code keep} of run {@code writer}'s checkpoints, and outside the
   * recent horizon.
   */
  private void prune(String writer) throws IOException {
    List<Path> mine = new ArrayList<>();
    for (Path p : list()) {
      if (writer.equals(ownerOf(p))) {
        mine.add(p);
      }
    }
    FileSystem fs = new Path(dir).getFileSystem(conf);
    if (mine.isEmpty()) {
      return;
    }
    long cutoff = stepOf(mine.get(mine.size() - 1)) - horizon;
    int lastBefore = -1;
    for (int i = 0; i < mine.size(); i++) {
      if (stepOf(mine.get(i)) <= cutoff) {
        lastBefore = i;
      }
    }
    for (int i = 0; i < mine.size() - keep; i++) {
      if (stepOf(mine.get(i)) > cutoff || i == lastBefore) {
        continue;
      }
      fs.delete(mine.get(i), false);
    }
  }

  /**
   * The run id of a whole checkpoint file, or null when it is damaged (then it belongs to no run).
   */
  private String ownerOf(Path file) {
    try {
      return read(file.toString()).runId();
    } catch (IOException e) {
      return null;
    }
  }

  private static java.util.Map<String, String> readProvenance(String file, DataInputStream in)
      throws IOException {
    int n = length(file, "provenance", in.readInt());
    java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byte[] k = new byte[length(file, "provenance key", in.readInt())];
      in.readFully(k);
      byte[] v = new byte[length(file, "provenance value", in.readInt())];
      in.readFully(v);
      p.put(new String(k, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8));
    }
    return java.util.Collections.unmodifiableMap(p);
  }

  private static long stepOf(Path file) {
    Matcher m = NAME.matcher(file.getName());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  static byte[] encode(long step, String config, int[] partitionRows, byte[] state)
      throws IOException {
    return encode(step, java.util.Map.of(), config, partitionRows, state);
  }

  static byte[] encode(
      long step,
      java.util.Map<String, String> provenance,
      String config,
      int[] partitionRows,
      byte[] state)
      throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(state.length + 4096);
    DataOutputStream out = new DataOutputStream(buf);
    out.write(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(step);
    out.writeInt(provenance.size());
    for (java.util.Map.Entry<String, String> e : provenance.entrySet()) {
      byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
      out.writeInt(k.length);
      out.write(k);
      out.writeInt(v.length);
      out.write(v);
    }
    byte[] c = config.getBytes(StandardCharsets.UTF_8);
    out.writeInt(c.length);
    out.write(c);
    out.writeInt(partitionRows.length);
    for (int r : partitionRows) {
      out.writeInt(r);
    }
    out.writeInt(state.length);
    out.write(state);
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(buf.toByteArray());
    out.writeLong(crc.getValue());
    out.flush();
    return buf.toByteArray();
  }

  static Checkpoint decode(String file, byte[] bytes) throws CheckpointException {
    if (bytes.length < MAGIC.length + 8
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new CheckpointException(
          file + ": not a polyak checkpoint (bad magic or too short: " + bytes.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
    if (crc.getValue() != stored) {
      throw new CheckpointException(file + ": checksum mismatch (truncated or altered)");
    }
    try {
      DataInputStream in =
          new DataInputStream(
              new java.io.ByteArrayInputStream(
                  bytes, MAGIC.length, bytes.length - MAGIC.length - 8));
      int version = in.readInt();
      if (version != 1 && version != VERSION) {
        throw new CheckpointException(
            file
                + ": unsupported checkpoint version "
                + version
                + " (this polyak reads 1 "
                + "and "
                + VERSION
                + ")");
      }
      long step = in.readLong();
      java.util.Map<String, String> provenance =
          version == 1 ? java.util.Map.of() : readProvenance(file, in);
      byte[] config = new byte[length(file, "config", in.readInt())];
      in.readFully(config);
      int[] rows = new int[length(file, "partition table", in.readInt())];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = in.readInt();
      }
      byte[] state = new byte[length(file, "training state", in.readInt())];
      in.readFully(state);
      Matcher m = NAME.matcher(new Path(file).getName());
      if (m.matches() && Long.parseLong(m.group(1)) != step) {
        throw new CheckpointException(
            file + ": file name says step " + m.group(1) + " but the content step " + step);
      }
      return new Checkpoint(
          file, step, provenance, new String(config, StandardCharsets.UTF_8), rows, state);
    } catch (EOFException e) {
      throw new CheckpointException(file + ": truncated");
    } catch (CheckpointException e) {
      throw e;
    } catch (IOException e) {
      throw new CheckpointException(file + ": " + e.getMessage());
    }
  }

  private static int length(String file, String section, int n) throws CheckpointException {
    if (n < 0 || n > MAX_SECTION) {
      throw new CheckpointException(
          file + ": section " + section + " has an impossible length " + n);
    }
    return n;
  }
}
