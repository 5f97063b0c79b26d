package polyak.spark.io;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Writes a file on any Hadoop file system so that a reader never sees half of it: the bytes go to
 * {@code <name>.tmp} beside the target, which replaces the target in one rename only after it was
 * written and closed completely. If writing fails, the temporary file is removed and the target —
 * say the previous good model — is left as it was.
 */
public final class AtomicWrite {
  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicWrite() {}

  public static void write(String target, Configuration conf, Content content) throws IOException {
    Path path = new Path(target);
    FileSystem fs = path.getFileSystem(conf);
    Path tmp = new Path(path.getParent(), path.getName() + ".tmp");
    boolean done = false;
    try {
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        content.writeTo(out);
        out.hsync();
      }
      // FileContext's rename with OVERWRITE replaces the target in one step (atomic on HDFS and the
      // local file system): there is no moment without a whole file under the target's name.
      FileContext.getFileContext(fs.getUri(), conf)
          .rename(fs.makeQualified(tmp), fs.makeQualified(path), Options.Rename.OVERWRITE);
      done = true;
    } finally {
      if (!done) {
        fs.delete(tmp, false);
      }
    }
  }
}
