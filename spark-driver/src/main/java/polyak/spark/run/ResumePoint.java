package polyak.spark.run;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import polyak.spark.checkpoint.Checkpoint;
import polyak.spark.checkpoint.CheckpointStore;
import polyak.spark.config.PolyakConfig;
import polyak.spark.config.ResumeOverrides;

/**
 * What {@code --resume DIR} continues and where it writes: the newest whole checkpoint of the one
 * run whose checkpoints DIR holds; the resumed run writes next to them (model.polyak and
 * metrics.jsonl in DIR's parent, checkpoints on in DIR) unless {@code output.dir=} / {@code
 * checkpoint.dir=} say otherwise.
 */
final class ResumePoint {
  private ResumePoint() {}

  static Checkpoint latest(String resumeDir, Configuration conf) throws IOException {
    Path dir = new Path(resumeDir);
    if (!dir.getFileSystem(conf).exists(dir)) {
      throw new IllegalArgumentException("--resume " + resumeDir + ": does not exist");
    }
    Set<String> runs = new CheckpointStore(resumeDir, conf, Integer.MAX_VALUE).runIds();
    if (runs.size() > 1) {
      throw new IllegalArgumentException(
          "--resume "
              + resumeDir
              + ": holds the checkpoints of "
              + runs.size()
              + " runs ("
              + String.join(", ", runs)
              + "); move all but one run's checkpoints to another directory");
    }
    String runId = runs.isEmpty() ? null : runs.iterator().next();
    Optional<Checkpoint> latest =
        new CheckpointStore(resumeDir, conf, Integer.MAX_VALUE, runId).latest();
    if (latest.isEmpty()) {
      throw new IOException(resumeDir + ": no whole checkpoint to resume from");
    }
    return latest.get();
  }

  /**
   * {@code config} (the checkpoint's, with overrides) writing where a run resumed from {@code
   * resumeDir} writes.
   */
  static PolyakConfig directories(PolyakConfig config, String resumeDir, List<String> overrides) {
    boolean output = overrides.stream().anyMatch(o -> ResumeOverrides.key(o).equals("output.dir"));
    boolean checkpoints =
        overrides.stream().anyMatch(o -> ResumeOverrides.key(o).equals("checkpoint.dir"));
    String out = config.outputDir();
    if (!output) {
      Path parent = new Path(resumeDir).getParent();
      out = parent == null || parent.toString().isEmpty() ? "." : parent.toString();
    }
    String ckpt = checkpoints ? config.checkpointDir() : output ? out + "/checkpoints" : resumeDir;
    return RunDirectory.withDirs(config, out, ckpt);
  }
}
