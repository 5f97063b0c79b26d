package polyak.spark.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import polyak.spark.data.BlockStorage;
import polyak.spark.data.LoadedData;
import polyak.spark.metrics.DataLine;
import polyak.spark.metrics.EvalLine;
import polyak.spark.metrics.MetricsFile;
import polyak.spark.metrics.MetricsLine;
import polyak.spark.metrics.StepLine;
import polyak.train.EvaluationReport;
import polyak.train.GradientTiming;
import polyak.train.StepReport;

/**
 * Per-iteration metrics as JSON lines in {@code <output>/metrics.jsonl}: {@link StepLine}s (loss,
 * accuracy, gradient norm, learning rate, examples/s and the time split) and {@link EvalLine}s
 * (validation loss and accuracy), each with the {@code run_id} of the run that wrote it. A resumed
 * run keeps its own lines up to its checkpoint and drops those of the iterations it will redo, any
 * line cut short and any other run's lines.
 */
public final class MetricsLog implements AutoCloseable {
  private final FSDataOutputStream out;
  private final String runId;

  /**
   * @param runId the run writing: in every line, and the run whose lines a resume keeps
   */
  public MetricsLog(String outputDir, Configuration conf, long resumedStep, String runId)
      throws IOException {
    this.runId = runId;
    Path path = new Path(outputDir, MetricsFile.NAME);
    FileSystem fs = path.getFileSystem(conf);
    if (fs instanceof LocalFileSystem local) {
      // The checksummed local file system holds lines back until close; the raw one lets
      // `tail -f metrics.jsonl` follow the run (and writes no .crc beside it).
      fs = local.getRawFileSystem();
    }
    List<String> kept = new ArrayList<>();
    if (resumedStep > 0 && fs.exists(path)) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          MetricsLine parsed = MetricsLine.parse(line);
          String lineRun =
              parsed == null || parsed.runId() == null ? RunProvenance.LEGACY : parsed.runId();
          if (parsed != null && lineRun.equals(runId) && parsed.step() <= resumedStep) {
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

  public void step(StepReport r, double epoch) {
    double totalMs = r.gradientMillis() + r.stepMillis();
    GradientTiming timing = r.timing();
    write(
        new StepLine(
                r.step(),
                epoch,
                r.loss(),
                r.accuracy(),
                r.gradientNorm(),
                r.learningRate(),
                r.examples(),
                r.examples() / (totalMs / 1000.0),
                totalMs,
                timing == null ? Double.NaN : timing.broadcastMs(),
                timing == null ? Double.NaN : timing.computeMs(),
                timing == null ? Double.NaN : timing.aggregateMs(),
                r.stepMillis(),
                r.noiseScale(),
                MetricsLine.VERSION,
                runId)
            .toJson());
  }

  /**
   * The {@code data} line: the cached training data at {@code step} (0 for a fresh run), and the
   * share of it Spark holds in memory.
   */
  public void data(long step, LoadedData train) {
    data(step, train.rows(), train.width(), train.nonZeros(), train.storage());
  }

  /** The {@code data} line from its figures; {@code nonZeros} < 0 for dense blocks. */
  void data(long step, long rows, int width, long nonZeros, BlockStorage s) {
    write(
        new DataLine(
                step,
                rows,
                width,
                nonZeros < 0 ? null : nonZeros,
                s.partitions(),
                s.cached(),
                s.memoryBytes(),
                s.diskBytes(),
                s.memoryFraction(),
                MetricsLine.VERSION,
                runId)
            .toJson());
  }

  public void evaluation(EvaluationReport e) {
    write(
        new EvalLine(e.step(), e.epoch(), e.loss(), e.accuracy(), MetricsLine.VERSION, runId)
            .toJson());
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
