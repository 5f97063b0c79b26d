package polyak.spark.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import polyak.data.DataException;

/** Driver-side listing of input files through the Hadoop {@link FileSystem} API. */
final class HadoopFiles {
  private HadoopFiles() {}

  /**
   * The data files each path names, in path order, sorted by name within a path: a file itself, the
   * files of a directory (not recursive; names starting with '_' or '.' skipped, as Hadoop and
   * Spark do for markers and checksums), or the matches of a glob. Fails naming the path when it
   * matches no file.
   */
  static List<String> list(Configuration conf, List<String> paths) {
    List<String> files = new ArrayList<>();
    for (String p : paths) {
      List<String> matched = new ArrayList<>();
      try {
        Path path = new Path(p);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] globbed = fs.globStatus(path);
        if (globbed != null) {
          Arrays.sort(globbed, Comparator.comparing(s -> s.getPath().toString()));
          for (FileStatus s : globbed) {
            if (s.isDirectory()) {
              FileStatus[] children = fs.listStatus(s.getPath());
              Arrays.sort(children, Comparator.comparing(c -> c.getPath().toString()));
              for (FileStatus c : children) {
                if (c.isFile() && isData(c.getPath())) {
                  matched.add(c.getPath().toString());
                }
              }
            } else if (isData(s.getPath())) {
              matched.add(s.getPath().toString());
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
      }
      if (matched.isEmpty()) {
        throw new DataException(p + ": no data files match this path");
      }
      files.addAll(matched);
    }
    return files;
  }

  /**
   * Fails naming the first path that matches nothing (a missing file, an empty glob or directory).
   */
  static void requireMatches(Configuration conf, List<String> paths) {
    for (String p : paths) {
      try {
        Path path = new Path(p);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] globbed = fs.globStatus(path);
        boolean any = false;
        for (FileStatus s : globbed == null ? new FileStatus[0] : globbed) {
          any |= s.isFile() || fs.listStatus(s.getPath()).length > 0;
        }
        if (!any) {
          throw new DataException(p + ": no data files match this path");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
      }
    }
  }

  /** One file, which must exist: its fully qualified name. */
  static String single(Configuration conf, String p) {
    List<String> files = list(conf, List.of(p));
    if (files.size() != 1) {
      throw new DataException(
          p + ": expected one file, but it matches " + files.size() + ": " + files);
    }
    return files.get(0);
  }

  private static boolean isData(Path p) {
    String name = p.getName();
    return !name.startsWith("_") && !name.startsWith(".");
  }
}
