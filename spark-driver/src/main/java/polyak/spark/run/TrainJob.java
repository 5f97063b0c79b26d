package polyak.spark.run;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.optim.CollapseException;
import polyak.optim.DivergenceException;
import polyak.spark.checkpoint.Checkpoint;
import polyak.spark.checkpoint.CheckpointStore;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.config.ResumeOverrides;
import polyak.spark.io.AtomicWrite;
import polyak.spark.train.SparkGradientSource;
import polyak.spark.train.SparkTrainer;
import polyak.train.EvaluationReport;
import polyak.train.StepReport;
import polyak.train.TrainResult;
import polyak.train.TrainingListener;
import polyak.train.TrainingLoop;
import polyak.train.TrainingState;

/**
 * {@code polyak train}: load and check the data, train on Spark with metrics, progress and
 * checkpoints, and save the model with its provenance. Resumes from the newest whole checkpoint
 * when asked.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  /**
   * What a finished run produced ({@code result} is null for an ensemble: its members each had
   * one).
   */
  public record Outcome(
      TrainResult result, String modelPath, double testAccuracy, long resumedFrom) {}

  /**
   * Lets a caller (e.g. {@code polyak sweep}) stop a run between iterations: asked after each
   * iteration's metrics and periodic checkpoint; {@code true} checkpoints that iteration and ends
   * the run with {@link Stopped}.
   */
  @FunctionalInterface
  public interface StepControl {
    boolean stopAfter(long step);
  }

  /**
   * The run was stopped by its {@link StepControl}; a whole checkpoint of {@code step} was written.
   */
  public static final class Stopped extends IOException {
    private static final long serialVersionUID = 1L;
    private final long step;
    private final String checkpointDir;

    Stopped(long step, String checkpointDir) {
      super("stopped after iteration " + step + "; checkpoint in " + checkpointDir);
      this.step = step;
      this.checkpointDir = checkpointDir;
    }

    public long step() {
      return step;
    }

    /** Where the run's checkpoints are: what {@code --resume} takes. */
    public String checkpointDir() {
      return checkpointDir;
    }
  }

  private static final class StopRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopRequest() {
      super(null, null, false, false);
    }
  }

  private TrainJob() {}

  /**
   * @param resumeDir a checkpoint directory to continue from, or null for a fresh run
   * @param overrides key=value overrides applied on top of a resumed run's stored config
   */
  public static Outcome run(
      SparkSession spark,
      PolyakConfig config,
      String resumeDir,
      List<String> overrides,
      PrintStream console,
      boolean terminal)
      throws IOException {
    return run(spark, config, resumeDir, overrides, console, terminal, null, null);
  }

  /**
   * Like {@link #run(SparkSession, PolyakConfig, String, List, PrintStream, boolean)}, on data
   * already loaded and preprocessed for this config (a sweep loads it once for all its trials), and
   * with an optional {@link StepControl}.
   *
   * @param prepared the config's data, or null to load it
   * @param control asked after every iteration whether to stop, or null
   * @throws Stopped when {@code control} stopped the run
   */
  public static Outcome run(
      SparkSession spark,
      PolyakConfig config,
      String resumeDir,
      List<String> overrides,
      PrintStream console,
      boolean terminal,
      PreparedData prepared,
      StepControl control)
      throws IOException {
    return run(spark, config, resumeDir, overrides, console, terminal, prepared, control, false);
  }

  /**
   * Like {@link #run(SparkSession, PolyakConfig, String, List, PrintStream, boolean, PreparedData,
   * StepControl)}; with {@code overwrite} a run may replace another run's files in its output
   * directory (the user's {@code --overwrite}); without it such a run is refused before it starts.
   */
  public static Outcome run(
      SparkSession spark,
      PolyakConfig config,
      String resumeDir,
      List<String> overrides,
      PrintStream console,
      boolean terminal,
      PreparedData prepared,
      StepControl control,
      boolean overwrite)
      throws IOException {
    if (resumeDir == null && config.ensemble().active()) {
      return EnsembleJob.run(spark, config, console, terminal, prepared, control, overwrite);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = sc.hadoopConfiguration();
    Checkpoint resume = null;
    String runId;
    java.nio.file.Path freshDir = null;
    if (resumeDir != null) {
      resume = ResumePoint.latest(resumeDir, hadoop);
      runId = resume.runId();
      config = ConfigLoader.parse(resume.config(), overrides, resume.location());
      ResumeOverrides.check(resume.config(), config, overrides, resume.location());
      config = ResumePoint.directories(config, resumeDir, overrides);
      console.println(
          "resuming from "
              + resume.location()
              + " at iteration "
              + resume.step()
              + " (run "
              + runId
              + ")");
      String warning =
          RunProvenance.kernelWarning(resume.provenance(), polyak.nn.kernel.DenseKernels.name());
      if (warning != null) {
        console.println(warning);
      }
    } else {
      runId = RunProvenance.newRunId();
      freshDir = RunDirectory.freshRunDirectory(config.outputDir(), hadoop, runId, console);
      if (freshDir != null) {
        boolean ownCheckpoints = config.checkpointDir().equals(config.outputDir() + "/checkpoints");
        config =
            RunDirectory.withDirs(
                config,
                freshDir.toString(),
                ownCheckpoints ? freshDir + "/checkpoints" : config.checkpointDir());
      }
    }
    List<String> others = RunDirectory.otherRunsFiles(config, hadoop, runId);
    if (!others.isEmpty() && !overwrite) {
      throw new IllegalArgumentException(
          config.outputDir()
              + " holds another run's files ("
              + String.join("; ", others)
              + "): "
              + (resume == null
                  ? "continue that run with --resume " + config.checkpointDir() + ", or "
                  : "write this run elsewhere with output.dir=..., or ")
              + "replace it with --overwrite");
    }
    RunProvenance provenance = RunProvenance.of(runId, config.aggregationDepth());
    PreparedData data =
        prepared != null
            ? prepared
            : PreparedData.load(spark, config, resume == null ? null : resume.partitionRows());
    if (prepared != null
        && resume != null
        && !Arrays.equals(resume.partitionRows(), data.train().partitionRows())) {
      throw new IOException(
          resume.location()
              + ": the checkpoint was taken with partition sizes "
              + Arrays.toString(resume.partitionRows())
              + " but the data has "
              + Arrays.toString(data.train().partitionRows()));
    }
    console.println("training data: " + data.train().description());
    console.println("training data cache: " + data.train().storage());
    if (data.test() != null) {
      console.println("test data:     " + data.test().description());
    }

    int threadsPerTask = ThreadLayout.threadsPerTask(spark.sparkContext(), config);
    SparkTrainer trainer =
        new SparkTrainer(
                sc,
                config.network(),
                config.training(),
                config.aggregation(),
                TeacherLoader.load(
                    config.distillation(), config.network(), data.preprocessor(), hadoop),
                threadsPerTask)
            .inPrecision(config.precision());
    SparkGradientSource source =
        trainer.source(
            data.train().blocks(),
            data.train().partitionRows(),
            data.test() == null ? null : data.test().blocks());
    polyak.spark.train.LongLivedGradientSource longLived =
        config.longLivedTasks()
            ? trainer.longLivedSource(
                data.train().blocks(),
                data.train().partitionRows(),
                data.test() == null ? null : data.test().blocks())
            : null;
    polyak.train.GradientSource loopSource =
        longLived != null
            ? longLived
            : config.localSteps() == 1
                ? SparkTrainer.loopSource(source, config.training())
                : new polyak.spark.train.LocalStepsGradientSource(
                    source,
                    polyak.nn.Network.build(config.network()),
                    config.training().seed(),
                    data.train().partitionRows(),
                    config.training().batchSize(),
                    config.localSteps(),
                    config.localRate());
    TrainingState state =
        TrainingState.initial(
            polyak.nn.Network.build(config.network()),
            config.training(),
            loopSource.iterationsPerEpoch());
    if (resume != null) {
      state.read(new DataInputStream(new ByteArrayInputStream(resume.state())));
    }
    long perEpoch = loopSource.iterationsPerEpoch();
    long total = config.training().totalIterations(perEpoch);
    console.printf(
        "network: %d parameters; %d partitions; batch %d; %d iterations (%d per epoch)%n",
        state.parameters().length,
        data.train().partitions(),
        config.training().batchSize(),
        total,
        perEpoch);
    console.printf(
        "compute: %s, one task per partition (%d), %d thread%s per task; dense kernel %s;"
            + " aggregation %s%s%n",
        config.precision() == polyak.nn.Precision.FLOAT32
            ? "float32 (float64 master parameters)"
            : "float64",
        data.train().partitions(),
        threadsPerTask,
        threadsPerTask == 1 ? "" : "s",
        polyak.nn.kernel.DenseKernels.describe(),
        source.aggregation().describe(),
        config.training().gradientDelay() > 0
            ? "; gradients one step delayed (training.gradient_delay = 1"
                + (config.training().gradientPrediction() ? ", at predicted parameters)" : ")")
            : "");
    if (longLived != null) {
      console.println(
          "long-lived tasks: one barrier job for the whole run, θ and gradients over sockets;"
              + " validation on the driver");
    }
    if (config.localSteps() > 1) {
      console.printf(
          "local steps: %d SGD steps of rate %s per executor between synchronisations%n",
          config.localSteps(), config.localRate());
    }

    CheckpointStore checkpoints =
        new CheckpointStore(config.checkpointDir(), hadoop, config.checkpointKeep(), runId)
            .retainingRecent(TroubleCleanup.detectionLag(config.training(), perEpoch));
    if (overwrite) {
      checkpoints.replacingOtherRuns();
    }
    Map<String, String> runProvenance = provenance.toMap();
    String rendered = config.rendered();
    if (freshDir != null) {
      java.nio.file.Files.createDirectories(freshDir);
      RunDirectory.linkLatest(freshDir);
      console.println("run " + runId + " writes to " + freshDir);
    }
    int[] partitionRows = data.train().partitionRows();
    ConsoleProgress progress =
        new ConsoleProgress(console, terminal, total, perEpoch, state.step());
    TrainResult result;
    try (MetricsLog metrics = new MetricsLog(config.outputDir(), hadoop, state.step(), runId)) {
      metrics.data(state.step(), data.train());
      long every = config.checkpointEvery();
      long evaluateEvery =
          config.training().evaluateEvery() > 0 ? config.training().evaluateEvery() : perEpoch;
      TrainingListener listener =
          new TrainingListener() {
            private boolean afterEvaluation;
            private boolean stopAfterEvaluation;

            @Override
            public void onStep(TrainingState s, StepReport r) {
              metrics.step(r, (double) r.step() / perEpoch);
              progress.step(r);
              boolean periodic = every > 0 && r.step() % every == 0 && r.step() < total;
              // A step that is also validated is checkpointed after its evaluation, which early
              // stopping
              // records: a run resumed from it does not evaluate that step again.
              boolean validated = r.step() % evaluateEvery == 0;
              if (periodic) {
                if (validated) {
                  afterEvaluation = true;
                } else {
                  checkpoint(checkpoints, s, runProvenance, rendered, partitionRows);
                }
              }
              if (control != null && r.step() < total && control.stopAfter(r.step())) {
                if (validated) {
                  afterEvaluation = true;
                  stopAfterEvaluation = true;
                } else {
                  if (!periodic) {
                    checkpoint(checkpoints, s, runProvenance, rendered, partitionRows);
                  }
                  throw new StopRequest();
                }
              }
            }

            @Override
            public void onEvaluation(TrainingState s, EvaluationReport e) {
              metrics.evaluation(e);
              progress.evaluation(e);
              if (afterEvaluation) {
                afterEvaluation = false;
                checkpoint(checkpoints, s, runProvenance, rendered, partitionRows);
              }
              if (stopAfterEvaluation) {
                throw new StopRequest();
              }
            }
          };
      try {
        result =
            TrainingLoop.run(
                state, loopSource, listener, polyak.spark.config.ProgressConfig.of(config));
      } catch (StopRequest e) {
        console.println();
        throw new Stopped(state.step(), config.checkpointDir());
      } catch (DivergenceException e) {
        console.println();
        throw new IOException(
            "training diverged: "
                + e.getMessage()
                + TroubleCleanup.afterTrouble(checkpoints, e.firstSuspectStep()),
            e);
      } catch (CollapseException e) {
        console.println();
        throw new IOException(
            e.getMessage() + TroubleCleanup.afterTrouble(checkpoints, e.firstSuspectStep()), e);
      } finally {
        if (longLived != null) {
          longLived.close();
        }
        source.close();
      }
    }
    checkpoints.retainingRecent(0); // the run went well: back to the newest checkpoint.keep
    checkpoint(checkpoints, result.state(), runProvenance, rendered, partitionRows);
    if (overwrite && !others.isEmpty()) {
      int removed = checkpoints.deleteOtherRuns(runId);
      console.printf(
          "--overwrite: removed %d checkpoint(s) of the run this one replaces%n", removed);
    }
    String modelPath = config.outputDir() + "/model.polyak";
    SavedModel model =
        new SavedModel(
            config.network(),
            result.parameters(),
            result.state().normState(),
            data.preprocessor(),
            provenance(runProvenance, config, result, data));
    AtomicWrite.write(modelPath, hadoop, out -> ModelFile.write(model, out));
    EvaluationReport last = result.lastEvaluation();
    double accuracy = last == null ? Double.NaN : last.accuracy();
    console.printf("%s; model saved to %s%n", result.stopReason(), modelPath);
    if (last != null) {
      console.printf("test accuracy %.4f, test loss %.4f%n", last.accuracy(), last.loss());
    }
    console.println("charts: polyak report " + config.outputDir());
    LOG.info("finished: {}", result.stopReason());
    return new Outcome(result, modelPath, accuracy, resume == null ? 0 : resume.step());
  }

  private static void checkpoint(
      CheckpointStore store,
      TrainingState s,
      Map<String, String> provenance,
      String config,
      int[] partitionRows) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      s.write(new DataOutputStream(buf));
      store.write(s.step(), provenance, config, partitionRows, buf.toByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot write checkpoint at iteration "
              + s.step()
              + " to "
              + store.directory()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static Map<String, String> provenance(
      Map<String, String> run, PolyakConfig config, TrainResult result, PreparedData data) {
    Map<String, String> p = new LinkedHashMap<>(run);
    p.put("created", Instant.now().toString());
    p.put("iterations", Long.toString(result.state().step()));
    p.put("stop_reason", result.stopReason());
    p.put("training_data", data.train().description());
    p.put("training_data_cache", data.train().storage().toString());
    p.put("partitions", Arrays.toString(data.train().partitionRows()));
    EvaluationReport last = result.lastEvaluation();
    if (last != null) {
      p.put("validation_accuracy", Double.toString(last.accuracy()));
      p.put("validation_loss", Double.toString(last.loss()));
    }
    p.put("config", config.rendered());
    return p;
  }
}
