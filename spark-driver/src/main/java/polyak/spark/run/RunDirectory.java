package polyak.spark.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import polyak.io.ModelFile;
import polyak.spark.checkpoint.CheckpointStore;
import polyak.spark.config.PolyakConfig;

/**
 * Where a run writes, so that runs never mix: an output directory belongs to one run (model.polyak,
 * metrics.jsonl and the checkpoints carry its run id). A fresh run into an output.dir named {@code
 * latest} (the default {@code runs/latest}) on the local file system writes to a new sibling {@code
 * <run-id>/} and points the symbolic link {@code latest} at it; a run into any other directory that
 * holds another run's files is refused unless {@code --overwrite} was given.
 */
public final class RunDirectory {
  static final String LATEST = "latest";

  private RunDirectory() {}

  /** {@code config} writing to {@code outputDir} with checkpoints in {@code checkpointDir}. */
  static PolyakConfig withDirs(PolyakConfig c, String outputDir, String checkpointDir) {
    return new PolyakConfig(
        c.train(),
        c.test(),
        c.scaling(),
        c.partitions(),
        c.network(),
        c.training(),
        c.checkpointEvery(),
        checkpointDir,
        c.checkpointKeep(),
        outputDir,
        c.aggregationDepth(),
        c.rendered(),
        c.pca(),
        c.distillation(),
        c.ensemble(),
        c.threadsPerTask(),
        c.aggregation(),
        c.localSteps(),
        c.localRate(),
        c.precision(),
        c.longLivedTasks());
  }

  /**
   * The local {@code <parent>/<runId>} directory a fresh run writes to when output.dir is a local
   * {@code .../latest} that is a symbolic link or absent, else null (write to output.dir itself).
   */
  static java.nio.file.Path freshRunDirectory(
      String outputDir, Configuration conf, String runId, PrintStream console) throws IOException {
    Path out = new Path(outputDir);
    if (!out.getName().equals(LATEST) || !isLocal(out, conf)) {
      return null;
    }
    java.nio.file.Path latest = Paths.get(out.toUri().getPath());
    if (Files.exists(latest, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        && !Files.isSymbolicLink(latest)) {
      console.println(
          "polyak: "
              + latest
              + " is not a link (left by an older polyak?): left as it is; this run writes"
              + " to "
              + latest.resolveSibling(runId));
    }
    return latest.resolveSibling(runId);
  }

  /**
   * Points the link {@code latest} beside {@code runDir} at it, replacing an older link in one
   * rename.
   */
  static void linkLatest(java.nio.file.Path runDir) throws IOException {
    java.nio.file.Path latest = runDir.resolveSibling(LATEST);
    if (Files.exists(latest, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        && !Files.isSymbolicLink(latest)) {
      return;
    }
    java.nio.file.Path tmp = runDir.resolveSibling("." + LATEST + "-" + runDir.getFileName());
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, runDir.getFileName());
    Files.move(tmp, latest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static boolean isLocal(Path p, Configuration conf) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    return fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
  }

  /**
   * The files of runs other than {@code runId} where this run would write: model.polyak,
   * metrics.jsonl and checkpoints whose run id differs (files from before run ids count as run
   * "legacy").
   */
  static List<String> otherRunsFiles(PolyakConfig config, Configuration conf, String runId)
      throws IOException {
    List<String> found = new ArrayList<>();
    Path model = new Path(config.outputDir(), "model.polyak");
    FileSystem fs = model.getFileSystem(conf);
    if (fs.exists(model) && !runId.equals(modelRunId(fs, model))) {
      found.add("model.polyak");
    }
    Path metrics = new Path(config.outputDir(), "metrics.jsonl");
    if (fs.exists(metrics) && !runId.equals(metricsRunId(fs, metrics))) {
      found.add("metrics.jsonl");
    }
    Set<String> runs =
        new java.util.LinkedHashSet<>(
            new CheckpointStore(config.checkpointDir(), conf, 1).runIds());
    runs.remove(runId);
    if (!runs.isEmpty()) {
      found.add("checkpoints of run " + String.join(", ", runs) + " in " + config.checkpointDir());
    }
    return found;
  }

  private static String modelRunId(FileSystem fs, Path model) {
    try (InputStream in = fs.open(model)) {
      return ModelFile.read(in, model.toString())
          .provenance()
          .getOrDefault(RunProvenance.RUN_ID, RunProvenance.LEGACY);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String metricsRunId(FileSystem fs, Path metrics) {
    try (java.io.BufferedReader r =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                fs.open(metrics), java.nio.charset.StandardCharsets.UTF_8))) {
      String line = r.readLine();
      if (line == null) {
        return null;
      }
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"run_id\":\"([^\"]*)\"").matcher(line);
      return m.find() ? m.group(1) : RunProvenance.LEGACY;
    } catch (IOException e) {
      return null;
    }
  }
}
