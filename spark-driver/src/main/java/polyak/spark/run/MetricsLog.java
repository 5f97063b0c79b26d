package polyak.spark.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import polyak.spark.train.IterationTiming;
import polyak.train.EvaluationReport;
import polyak.train.StepReport;

/**
 * Per-iteration metrics as JSON lines in {@code <output>/metrics.jsonl}: {@code "type":"step"}
 * lines (loss, accuracy, gradient norm, learning rate, examples/s and the time split) and
 * {@code "type":"eval"} lines (validation loss and accuracy). A resumed run keeps the lines up to
 * its checkpoint and drops those of the iterations it will redo. Every line starts with the
 * {@code run_id} of the run that wrote it.
 */
public final class MetricsLog implements AutoCloseable {
  private static final Pattern STEP = Pattern.compile("\"step\":(\\d+)");

  private static final Pattern RUN = Pattern.compile("\"run_id\":\"([^\"]*)\"");

  private final FSDataOutputStream out;
  private final String runId;

  public MetricsLog(String outputDir, Configuration conf, long resumedStep, String runId) throws IOException {
    this.runId = runId;
    Path path = new Path(outputDir, "metrics.jsonl");
    FileSystem fs = path.getFileSystem(conf);
    if (fs instanceof LocalFileSystem local) {
      // The checksummed local file system holds lines back until close; the raw one lets
      // `tail -f metrics.jsonl` follow the run (and writes no .crc beside it).
      fs = local.getRawFileSystem();
    }
    List<String> kept = new ArrayList<>();
    if (resumedStep > 0 && fs.exists(path)) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          Matcher m = STEP.matcher(line);
          Matcher run = RUN.matcher(line);
          boolean ours = runId.equals(run.find() ? run.group(1) : RunProvenance.LEGACY);
          if (ours && m.find() && Long.parseLong(m.group(1)) <= resumedStep) {
            kept.add(line);
          }
        }
      }
    }
    out = fs.create(path, true);
    for (String line : kept) {
      write(line);
    }
  }

  public void step(StepReport r, double epoch, IterationTiming timing) {
    double totalMs = r.gradientMillis() + r.stepMillis();
    JsonLine j = new JsonLine().put("run_id", runId).put("type", "step").put("step", r.step()).put("epoch", epoch)
        .put("loss", r.loss()).put("accuracy", r.accuracy()).put("grad_norm", r.gradientNorm())
        .put("learning_rate", r.learningRate()).put("examples", r.examples())
        .put("examples_per_s", r.examples() / (totalMs / 1000.0)).put("ms_total", totalMs);
    if (timing != null) {
      j.put("ms_broadcast", timing.broadcastMs()).put("ms_compute", timing.computeMs())
          .put("ms_aggregate", timing.aggregateMs());
    }
    j.put("ms_driver_step", r.stepMillis());
    write(j.toString());
  }

  public void evaluation(EvaluationReport e) {
    write(new JsonLine().put("run_id", runId).put("type", "eval").put("step", e.step()).put("epoch", e.epoch()).put("loss", e.loss())
        .put("accuracy", e.accuracy()).toString());
  }

  private void write(String line) {
    try {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.hflush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    ((OutputStream) out).close();
  }
}
