package polyak.spark.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Checks {@code polyak predict --output DIR} before anything is written: DIR must be new or an
 * empty directory unless {@code --overwrite} was given, and never holds the model being read or its
 * checkpoints (Spark's overwrite deletes DIR recursively).
 */
final class PredictOutput {
  private PredictOutput() {}

  static void check(String output, String modelFile, boolean overwrite, Configuration conf)
      throws IOException {
    Path out = new Path(output);
    FileSystem fs = out.getFileSystem(conf);
    if (!fs.exists(out)) {
      return;
    }
    Path model = new Path(modelFile);
    String[] guarded = {model.toString(), new Path(model.getParent(), "checkpoints").toString()};
    for (String g : guarded) {
      if (within(g, output, conf)) {
        throw new IllegalArgumentException(
            output
                + ": holds the model "
                + modelFile
                + " or its checkpoints, which "
                + "predict reads: it never writes over them, not even with --overwrite; choose another --output");
      }
    }
    FileStatus status = fs.getFileStatus(out);
    if (overwrite) {
      return;
    }
    if (!status.isDirectory()) {
      throw new IllegalArgumentException(
          output
              + ": is a file, not a directory; choose another --output or replace "
              + "it with --overwrite");
    }
    if (fs.listStatus(out).length > 0) {
      throw new IllegalArgumentException(
          output
              + ": is not empty; choose a new or empty --output directory or "
              + "replace its contents with --overwrite");
    }
  }

  /** Whether {@code file} (which may not exist) is {@code dir} or lies under it, links resolved. */
  private static boolean within(String file, String dir, Configuration conf) throws IOException {
    Path f = new Path(file);
    Path d = new Path(dir);
    FileSystem fs = d.getFileSystem(conf);
    if (!f.getFileSystem(conf).getUri().equals(fs.getUri()) || !f.getFileSystem(conf).exists(f)) {
      return false;
    }
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      java.nio.file.Path rf = Paths.get(fs.makeQualified(f).toUri()).toRealPath();
      java.nio.file.Path rd = Paths.get(fs.makeQualified(d).toUri()).toRealPath();
      return Files.exists(rf) && rf.startsWith(rd);
    }
    for (Path p = fs.makeQualified(f); p != null; p = p.getParent()) {
      if (p.equals(fs.makeQualified(d))) {
        return true;
      }
    }
    return false;
  }
}
