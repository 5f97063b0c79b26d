package polyak.spark.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.nn.kernel.DenseKernels;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spark.data.LoadedData;
import polyak.spark.io.AtomicWrite;
import polyak.spark.metrics.Json;
import polyak.spark.train.ModelBroadcast;
import polyak.train.Ensemble;

/**
 * {@code polyak train} with {@code ensemble.members = k > 1}: bagging in one application. The
 * training data is loaded and cached once; the members are trained one after another, member m by
 * the ordinary single-model run ({@link TrainJob}: same loop, checkpoints, metrics and model file,
 * in {@code members/<m>/}) with seed {@link Ensemble#memberSeed} on its bootstrap sample, drawn on
 * the executors from the cached blocks ({@link LoadedData#bootstrapSample}) and cached while it
 * trains — so with the same partitions it trains exactly as {@link Ensemble#train} does locally. At
 * the end: one model file with every member, each member's and the ensemble's accuracy on the test
 * data (console, {@value #METRICS} and the model's provenance).
 */
final class EnsembleJob {
  static final String METRICS = "ensemble.json";
  static final String MEMBERS_DIR = "members";

  private EnsembleJob() {}

  static TrainJob.Outcome run(
      SparkSession spark,
      PolyakConfig config,
      PrintStream console,
      boolean terminal,
      PreparedData prepared,
      TrainJob.StepControl control,
      boolean overwrite)
      throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = sc.hadoopConfiguration();
    String runId = RunProvenance.newRunId();
    java.nio.file.Path freshDir =
        RunDirectory.freshRunDirectory(config.outputDir(), hadoop, runId, console);
    if (freshDir != null) {
      boolean ownCheckpoints = config.checkpointDir().equals(config.outputDir() + "/checkpoints");
      config =
          RunDirectory.withDirs(
              config,
              freshDir.toString(),
              ownCheckpoints ? freshDir + "/checkpoints" : config.checkpointDir());
    }
    List<String> others = RunDirectory.otherRunsFiles(config, hadoop, runId);
    if (!others.isEmpty() && !overwrite) {
      throw new IllegalArgumentException(
          config.outputDir()
              + " holds another run's files ("
              + String.join("; ", others)
              + "): write this run elsewhere with output.dir=..., or replace it with --overwrite");
    }
    PreparedData data = prepared != null ? prepared : PreparedData.load(spark, config, null);
    if (freshDir != null) {
      java.nio.file.Files.createDirectories(freshDir);
      RunDirectory.linkLatest(freshDir);
    }
    int k = config.ensemble().members();
    long seed = config.training().seed();
    console.printf(
        "ensemble of %d members (%s), run %s writes to %s%n",
        k,
        config.ensemble().bootstrap()
            ? "each on its bootstrap sample"
            : "each on all the data, own seed",
        runId,
        config.outputDir());

    double[][] params = new double[k][];
    double[][] states = new double[k][];
    long iterations = 0;
    for (int m = 0; m < k; m++) {
      String dir = config.outputDir() + "/" + MEMBERS_DIR + "/" + m;
      PolyakConfig member =
          ConfigLoader.parse(
              config.rendered(),
              List.of(
                  "training.seed=" + Ensemble.memberSeed(seed, m),
                  "ensemble.members=0",
                  "output.dir=" + ConfigUtil.quoteString(dir),
                  "checkpoint.dir=" + ConfigUtil.quoteString(dir + "/checkpoints")),
              "ensemble member " + m);
      LoadedData train =
          config.ensemble().bootstrap() ? data.train().bootstrapSample(seed, m) : data.train();
      console.printf(
          "%n-- member %d (%d of %d): seed %d, %s%n", m, m + 1, k, member.training().seed(), dir);
      try {
        TrainJob.Outcome o =
            TrainJob.run(
                spark,
                member,
                null,
                List.of(),
                console,
                terminal,
                new PreparedData(train, data.test(), data.preprocessor()),
                control,
                overwrite);
        params[m] = o.result().parameters();
        states[m] = o.result().state().normState();
        iterations += o.result().state().step();
      } catch (TrainJob.Stopped e) {
        // an ensemble run is not resumable: say so rather than point at the member's checkpoint
        throw new IOException(
            "ensemble member "
                + m
                + " "
                + e.getMessage()
                + "; an ensemble run cannot be resumed, start it again",
            e);
      } finally {
        if (train != data.train()) {
          train.unpersist();
        }
      }
    }
    Ensemble ensemble = new Ensemble(config.network(), params, states);
    Map<String, String> provenance =
        new LinkedHashMap<>(RunProvenance.of(runId, config.aggregationDepth()).toMap());
    provenance.put("created", Instant.now().toString());
    provenance.put("iterations", Long.toString(iterations));
    provenance.put("training_data", data.train().description());
    provenance.put("partitions", Arrays.toString(data.train().partitionRows()));
    provenance.put("ensemble.bootstrap", Boolean.toString(config.ensemble().bootstrap()));

    double accuracy = Double.NaN;
    ObjectNode metrics = Json.MAPPER.createObjectNode();
    metrics.put("run_id", runId);
    metrics.put("members", k);
    metrics.put("bootstrap", config.ensemble().bootstrap());
    if (data.test() != null) {
      console.printf("%naccuracy on %s:%n", data.test().description());
      ArrayNode perMember = metrics.putArray("member_results");
      for (int m = 0; m < k; m++) {
        EvaluationCounts c = evaluate(sc, config, data.test(), params[m], states[m]);
        console.printf("  member %d   accuracy %.4f, loss %.4f%n", m, c.accuracy(), c.meanLoss());
        perMember
            .addObject()
            .put("member", m)
            .put("accuracy", c.accuracy())
            .put("loss", c.meanLoss());
        provenance.put(
            "ensemble.member." + m + ".validation_accuracy", Double.toString(c.accuracy()));
      }
      SavedModel all = ensemble.toSavedModel(null, Map.of());
      EvaluationCounts c = evaluate(sc, config, data.test(), all.params(), all.state());
      console.printf(
          "  ensemble   accuracy %.4f, loss %.4f (mean of the %d members' distributions)%n",
          c.accuracy(), c.meanLoss(), k);
      metrics.putObject("ensemble").put("accuracy", c.accuracy()).put("loss", c.meanLoss());
      provenance.put("validation_accuracy", Double.toString(c.accuracy()));
      provenance.put("validation_loss", Double.toString(c.meanLoss()));
      accuracy = c.accuracy();
    }
    provenance.put("config", config.rendered());
    String modelPath = config.outputDir() + "/model.polyak";
    SavedModel model = ensemble.toSavedModel(data.preprocessor(), provenance);
    AtomicWrite.write(modelPath, hadoop, out -> ModelFile.write(model, out));
    AtomicWrite.write(
        config.outputDir() + "/" + METRICS,
        hadoop,
        out ->
            out.write(
                (Json.MAPPER.writeValueAsString(metrics) + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    console.printf("ensemble of %d members saved to %s%n", k, modelPath);
    return new TrainJob.Outcome(null, modelPath, accuracy, 0);
  }

  /**
   * Accuracy and loss of one model or of an ensemble's stored vectors on {@code test}: the evaluate
   * path.
   */
  private static EvaluationCounts evaluate(
      JavaSparkContext sc, PolyakConfig config, LoadedData test, double[] params, double[] state) {
    Broadcast<ModelBroadcast> b = sc.broadcast(new ModelBroadcast(params, state));
    try {
      sc.setJobDescription("polyak ensemble evaluation");
      List<EvaluationCounts> parts =
          test.blocks()
              .mapPartitions(
                  new EvaluateJob.Counts(b, config.network().text(), DenseKernels.name(), 0.0))
              .collect();
      EvaluationCounts total = EvaluationCounts.empty(config.network().outputWidth());
      for (EvaluationCounts c : parts) {
        total = total.plus(c);
      }
      return total;
    } finally {
      b.destroy();
    }
  }
}
