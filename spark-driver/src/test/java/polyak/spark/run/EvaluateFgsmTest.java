package polyak.spark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.Dataset;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.spark.SparkTestSession;
import polyak.spark.config.ConfigLoader;
import polyak.spark.config.PolyakConfig;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.Fgsm;
import polyak.train.LocalTrainer;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;

/**
 * {@code polyak evaluate --fgsm EPS}: the executors' attack gives the counts of the local {@link
 * Fgsm}.
 */
class EvaluateFgsmTest {
  static final NetworkSpec SPEC =
      SpecParser.network("test", "input 6\ndense 10\ntanh\ndense 3\nloss softmax_ce");

  static SparkSession spark;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.startKryo("evaluate-fgsm");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * CSV rows "label,x0..x5" with the label the arg max of fixed linear scores; and the same as a
   * Dataset.
   */
  static Dataset write(Path file, int rows, long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> lines = new ArrayList<>();
    double[] x = new double[rows * 6];
    int[] y = new int[rows];
    for (int r = 0; r < rows; r++) {
      double[] score = new double[3];
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < 6; j++) {
        String v = String.format(Locale.ROOT, "%.4f", rng.nextGaussian());
        x[r * 6 + j] = Double.parseDouble(v);
        for (int k = 0; k < 3; k++) {
          score[k] += ((j + 2 * k) % 5 - 2) * x[r * 6 + j];
        }
        sb.append(',').append(v);
      }
      y[r] = score[1] > score[0] ? (score[2] > score[1] ? 2 : 1) : (score[2] > score[0] ? 2 : 0);
      lines.add(y[r] + sb.toString());
    }
    Files.write(file, lines);
    return Dataset.classification(file.toString(), 6, x, y, 3, 0);
  }

  @Test
  void accuracyUnderAttackEqualsTheLocalAttack() throws IOException {
    Dataset train = write(dir.resolve("train.csv"), 400, 1);
    Dataset test = write(dir.resolve("test.csv"), 150, 2);
    TrainResult trained =
        new LocalTrainer(SPEC, TrainingConfig.defaults().withBatchSize(20).withEpochs(5))
            .train(train, null, TrainingListener.NONE);
    double[] params = trained.parameters();
    Path model = dir.resolve("model.polyak");
    ModelFile.save(new SavedModel(SPEC, params, new double[0], null, Map.of()), model);
    PolyakConfig config =
        ConfigLoader.load(
            null,
            List.of(
                "data.format=csv",
                "data.classes=3",
                "data.train.paths=[\"" + dir.resolve("train.csv") + "\"]",
                "data.test.paths=[\"" + dir.resolve("test.csv") + "\"]",
                "data.scaling=none",
                "data.partitions=2"));

    Network net = Network.build(SPEC);
    BatchResult clean = net.evaluate(params, new double[0], test, 0, test.rows());
    BatchResult attacked = Fgsm.evaluate(net, params, new double[0], test, 0.3);
    assertTrue(
        attacked.correct() < clean.correct() - 10,
        "the attack should cost accuracy: clean "
            + clean.correct()
            + ", attacked "
            + attacked.correct());

    ByteArrayOutputStream console = new ByteArrayOutputStream();
    EvaluationCounts plain;
    EvaluationCounts underAttack;
    try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      plain = EvaluateJob.run(spark, config, model.toString(), out);
      underAttack = EvaluateJob.run(spark, config, model.toString(), 0.3, out);
    }
    assertEquals(clean.correct(), plain.correct());
    assertEquals(150, underAttack.count());
    assertEquals(attacked.correct(), underAttack.correct());
    assertEquals(attacked.lossSum(), underAttack.lossSum(), 1e-9 * Math.abs(attacked.lossSum()));
    assertTrue(
        console.toString(StandardCharsets.UTF_8).contains("under FGSM attack (epsilon 0.3)"),
        console::toString);
  }
}
