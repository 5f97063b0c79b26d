package polyak.spark.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A run's metrics.jsonl read back: its step, eval and data lines, in file order. */
public record MetricsFile(List<StepLine> steps, List<EvalLine> evals, List<DataLine> data) {
  public static final String NAME = "metrics.jsonl";

  /** The metrics.jsonl in {@code dir} (any Hadoop file system); empty when there is none. */
  public static MetricsFile read(String dir, Configuration conf) throws IOException {
    Path path = new Path(dir, NAME);
    FileSystem fs = path.getFileSystem(conf);
    List<StepLine> steps = new ArrayList<>();
    List<EvalLine> evals = new ArrayList<>();
    List<DataLine> data = new ArrayList<>();
    if (fs.exists(path)) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
        for (String text = r.readLine(); text != null; text = r.readLine()) {
          MetricsLine line = MetricsLine.parse(text);
          if (line instanceof StepLine s) {
            steps.add(s);
          } else if (line instanceof EvalLine e) {
            evals.add(e);
          } else if (line instanceof DataLine d) {
            data.add(d);
          }
        }
      }
    }
    return new MetricsFile(List.copyOf(steps), List.copyOf(evals), List.copyOf(data));
  }
}
