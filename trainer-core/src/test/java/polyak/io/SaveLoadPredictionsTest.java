package polyak.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.Dataset;
import polyak.data.Standardizer;
import polyak.nn.Network;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.LocalTrainer;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;

/** A trained model written to disk and read back predicts exactly what the original predicts. */
class SaveLoadPredictionsTest {
  @TempDir Path dir;

  @Test
  void savedAndLoadedModelGivesBitIdenticalPredictions() throws Exception {
    NetworkSpec spec =
        SpecParser.network(
            "test",
            """
        input 6
        dense 12
        batchnorm
        relu
        dropout 0.8
        dense 8
        layernorm
        tanh
        dense 3
        loss softmax_ce smoothing=0.1
        """);
    SplittableRandom rng = new SplittableRandom(4);
    int rows = 300;
    double[] x = new double[rows * 6];
    int[] y = new int[rows];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < 6; j++) {
        x[r * 6 + j] = 3 + 2 * rng.nextGaussian();
      }
      y[r] = rng.nextInt(3);
    }
    Dataset raw = Dataset.classification("random", 6, x, y, 3, 0);
    Standardizer z = Standardizer.fit(raw);
    Dataset data = z.apply(raw);
    TrainResult trained =
        new LocalTrainer(spec, TrainingConfig.defaults().withBatchSize(32).withEpochs(2))
            .train(data, null, TrainingListener.NONE);
    double[] params = trained.parameters();
    double[] state = trained.state().normState();
    assertNotEquals(0.0, state[0], "batch-norm running mean was updated by training");

    Path file = dir.resolve("model.polyak");
    ModelFile.save(new SavedModel(spec, params, state, z, Map.of("test", "yes")), file);
    SavedModel loaded = ModelFile.load(file);
    assertEquals(spec, loaded.spec());

    double[] before = predict(spec, params, state, data);
    Dataset reprocessed = loaded.preprocessor().orElseThrow().apply(raw);
    double[] after = predict(loaded.spec(), loaded.params(), loaded.state(), reprocessed);
    assertArrayEquals(before, after, "predictions after save → load, bit for bit");
  }

  private static double[] predict(NetworkSpec spec, double[] params, double[] state, Dataset data) {
    Network network = Network.build(spec);
    double[] out = new double[data.rows() * spec.outputWidth()];
    network.predict(params, state, data, 0, data.rows(), out);
    return out;
  }
}
