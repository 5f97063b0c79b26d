package polyak.spark.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** {@code polyak sweep}: run (or resume) the sweep, then write and print its report. */
public final class SweepCommand {
  private SweepCommand() {}

  /**
   * @return the exit code: 0 when every trial finished (done, failed, collapsed or capped are all
   *     recorded outcomes)
   */
  public static int run(
      SparkSession spark,
      SweepSpec spec,
      List<String> overrides,
      String output,
      boolean reportOnly,
      PrintStream console)
      throws IOException {
    if (!reportOnly) {
      List<TrialResult> results =
          new SweepRunner(spark, spec, overrides, output, console, SweepRunner.Hooks.NONE).run();
      long done = results.stream().filter(r -> r.status() == TrialStatus.DONE).count();
      console.printf(
          "%nsweep: %d trials, %d done, %d failed, %d collapsed, %d capped; results in %s/results.csv%n",
          results.size(),
          done,
          results.stream().filter(r -> r.status() == TrialStatus.FAILED).count(),
          results.stream().filter(r -> r.status() == TrialStatus.COLLAPSED).count(),
          results.stream().filter(r -> r.status() == TrialStatus.CAPPED).count(),
          output);
    }
    List<String> summary =
        SweepReport.write(output, spark.sparkContext().hadoopConfiguration(), spec.description());
    boolean target =
        SweepRunner.readResults(output, spark.sparkContext().hadoopConfiguration()).stream()
            .anyMatch(r -> Double.isFinite(r.targetAccuracy()));
    console.println(
        target
            ? "summary (steps to target: each batch size's best tuned trial):"
            : "summary (final validation accuracy within 1 point of the smallest batch's):");
    for (String s : summary) {
      console.println("  " + s);
    }
    console.println("report: " + output + "/report/index.html");
    return 0;
  }
}
