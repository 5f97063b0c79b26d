package polyak.spark.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import polyak.data.DataException;

/**
 * Text files (CSV, LibSVM) parsed one whole file per task. Spark's own text readers split files by
 * byte ranges, which loses the line numbers errors must report; reading whole files through the
 * Hadoop file system keeps file name and line number exact at the price of one task per file (a
 * single huge file parses in one task). Compressed files (.gz, .bz2, ...) are decoded by the Hadoop
 * codec their extension names.
 */
final class TextBlocks {
  private TextBlocks() {}

  /** One piece per file, in file order; partition i holds file i. */
  static JavaRDD<BlockPiece> pieces(
      JavaSparkContext sc,
      Broadcast<SerializableConfiguration> conf,
      List<String> files,
      boolean header,
      LineParser parser) {
    return sc.parallelize(files, files.size())
        .mapPartitionsWithIndex(
            (index, it) ->
                List.of(read(conf.value().value(), it.next(), index, header, parser)).iterator(),
            true);
  }

  private static BlockPiece read(
      Configuration conf, String file, long index, boolean header, LineParser parser) {
    Path path = new Path(file);
    BlockBuilder out = new BlockBuilder(parser.sparse());
    try {
      FileSystem fs = path.getFileSystem(conf);
      InputStream in = fs.open(path);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
      if (codec != null) {
        in = codec.createInputStream(in);
      }
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
        long lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lineNumber++;
          if (lineNumber == 1 && line.startsWith("\uFEFF")) {
            line = line.substring(1); // a UTF-8 byte-order mark, as spreadsheet exports write it
          }
          if ((header && lineNumber == 1) || line.isBlank()) {
            continue;
          }
          parser.parse(line, file + ": line " + lineNumber, out);
        }
        recordInput(fs.getFileStatus(path).getLen(), lineNumber);
      }
    } catch (DataException e) {
      return BlockPiece.failed(index, e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    return out.build(index);
  }

  /**
   * Counts a whole file read into the task's input metrics, as Spark's own file readers do, so the
   * UI and listeners see how often the source is read (once, at load, when the cache holds).
   */
  private static void recordInput(long bytes, long lines) {
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.taskMetrics().inputMetrics().incBytesRead(bytes);
      task.taskMetrics().inputMetrics().incRecordsRead(lines);
    }
  }
}
