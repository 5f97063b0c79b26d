package polyak.spark.report;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code polyak report RUN_DIR}: the HTML page with PNG charts of one run (no Spark session
 * needed).
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Charts of one run from its metrics.jsonl: training and validation loss, validation accuracy, "
            + "learning rate, examples/s and the per-phase time split, as PNGs and an index.html.")
public final class ReportCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "RUN_DIR",
      description = "A run's output directory (holds metrics.jsonl).")
  String runDir;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "Where to write the page and charts " + "(default: RUN_DIR/report).")
  String output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String out = output != null ? output : runDir.replaceAll("/+$", "") + "/report";
    var charts = RunReport.write(runDir, out, new Configuration());
    spec.commandLine().getOut().printf("wrote %s/index.html with %d charts%n", out, charts.size());
    return 0;
  }
}
