package polyak.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import polyak.data.Dataset;
import polyak.io.ModelFile;
import polyak.io.ModelFormatException;
import polyak.io.SavedModel;
import polyak.nn.BatchResult;
import polyak.nn.Inference;
import polyak.nn.Network;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;

/**
 * Bagging: partition-independent bootstrap samples, the ensemble's mean prediction, one model file.
 */
class EnsembleTest {
  static final NetworkSpec SPEC =
      SpecParser.network("test", "input 4\ndense 8\ntanh\ndense 3\nloss softmax_ce");

  static Dataset data(int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[rows * 4];
    int[] y = new int[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int j = 0; j < 4; j++) {
        x[r * 4 + j] = rng.nextGaussian();
        s += x[r * 4 + j] * (j - 1.5);
      }
      y[r] = s < -1 ? 0 : s < 1 ? 1 : 2;
    }
    return Dataset.classification("synthetic", 4, x, y, 3, 0);
  }

  static Dataset[] split(Dataset all, int partitions) {
    Dataset[] blocks = new Dataset[partitions];
    int from = 0;
    for (int p = 0; p < partitions; p++) {
      int rows = p == partitions - 1 ? all.rows() - from : all.rows() / partitions + 2 * p;
      blocks[p] = all.slice(from, rows);
      from += rows;
    }
    return blocks;
  }

  /**
   * The member's sample, concatenated in partition order, is the same for 1, 2 and 3 partitions.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void bootstrapSampleDoesNotDependOnPartitioning(int member) {
    Dataset all = data(500, 1);
    double[] reference = null;
    int[] referenceLabels = null;
    for (int partitions = 1; partitions <= 3; partitions++) {
      java.util.List<Double> x = new java.util.ArrayList<>();
      java.util.List<Integer> y = new java.util.ArrayList<>();
      for (Dataset block : split(all, partitions)) {
        Dataset s = Bootstrap.sample(block, 42, member);
        for (double v : s.features()) {
          x.add(v);
        }
        for (int l : s.labels()) {
          y.add(l);
        }
      }
      double[] features = x.stream().mapToDouble(Double::doubleValue).toArray();
      int[] labels = y.stream().mapToInt(Integer::intValue).toArray();
      if (reference == null) {
        reference = features;
        referenceLabels = labels;
        // Poisson(1) counts: about N rows in all, about N/e examples left out
        assertEquals(500, labels.length, 70);
      } else {
        assertArrayEquals(reference, features, 0.0, partitions + " partitions");
        assertArrayEquals(referenceLabels, labels, partitions + " partitions");
      }
    }
    int missing = 0;
    for (long id = 0; id < 10_000; id++) {
      missing += Bootstrap.count(42, member, id) == 0 ? 1 : 0;
    }
    assertEquals(Math.exp(-1), missing / 10_000.0, 0.02);
  }

  /** Without bootstrap, member m is LocalTrainer on all the data with seed memberSeed(seed, m). */
  @Test
  void withoutBootstrapMembersTrainOnAllTheDataWithTheirOwnSeeds() {
    Dataset[] blocks = split(data(120, 4), 2);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(20)
            .withMaxIterations(5)
            .withLearningRate(polyak.optim.ScheduleSpec.constant(0.01));
    Ensemble ensemble = Ensemble.train(SPEC, config, blocks, 2, false);
    for (int m = 0; m < 2; m++) {
      TrainResult alone =
          new LocalTrainer(SPEC, config.withSeed(Ensemble.memberSeed(config.seed(), m)))
              .train(blocks, null, TrainingListener.NONE);
      assertArrayEquals(alone.parameters(), ensemble.memberParameters(m), 0.0);
    }
    assertTrue(
        java.util.Arrays.compare(
                ensemble.memberParameters(0),
                Ensemble.train(SPEC, config, blocks, 1, true).memberParameters(0))
            != 0,
        "bootstrap changes member 0");
  }

  @Test
  void membersDifferAndTheEnsemblePredictsTheirMeanAndRoundTripsThroughOneFile() throws Exception {
    Dataset train = data(400, 2);
    Dataset test = data(200, 3);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(20)
            .withEpochs(10)
            .withLearningRate(polyak.optim.ScheduleSpec.constant(0.01));
    Ensemble ensemble = Ensemble.train(SPEC, config, split(train, 2), 3);
    assertEquals(3, ensemble.members());
    assertTrue(
        java.util.Arrays.compare(ensemble.memberParameters(0), ensemble.memberParameters(1)) != 0);

    double[] mean = new double[200 * 3];
    ensemble.predict(test, 0, 200, mean);
    Network net = Network.build(SPEC);
    double[] expected = new double[200 * 3];
    double[] one = new double[200 * 3];
    for (int m = 0; m < 3; m++) {
      net.predict(ensemble.memberParameters(m), new double[0], test, 0, 200, one);
      for (int i = 0; i < one.length; i++) {
        expected[i] += one[i] / 3;
      }
    }
    assertArrayEquals(expected, mean, 1e-15);
    for (int r = 0; r < 200; r++) {
      assertEquals(1.0, mean[r * 3] + mean[r * 3 + 1] + mean[r * 3 + 2], 1e-12, "a distribution");
    }
    double acc = ensemble.accuracy(test);
    assertTrue(acc > 0.6, "ensemble accuracy " + acc);

    ByteArrayOutputStream file = new ByteArrayOutputStream();
    ModelFile.write(ensemble.toSavedModel(null, Map.of("seed", "42")), file);
    SavedModel saved =
        ModelFile.read(new ByteArrayInputStream(file.toByteArray()), "ensemble.polyak");
    Ensemble back = Ensemble.fromSavedModel(saved, "ensemble.polyak");
    double[] again = new double[200 * 3];
    back.predict(test, 0, 200, again);
    assertArrayEquals(mean, again, 0.0);

    // the shared inference path takes the ensemble's stored vectors as they are in its file
    java.util.List<double[]> seen = new java.util.ArrayList<>();
    BatchResult scored =
        Inference.run(
            net,
            saved.params(),
            saved.state(),
            test,
            true,
            (d, from, count, outputs) -> seen.add(java.util.Arrays.copyOf(outputs, count * 3)));
    assertEquals(1, seen.size());
    assertArrayEquals(expected, seen.get(0), 1e-15);
    long correct = 0;
    double loss = 0;
    for (int r = 0; r < 200; r++) {
      correct += Inference.argmax(expected, r * 3, 3) == test.labels()[r] ? 1 : 0;
      loss -= Math.log(expected[r * 3 + test.labels()[r]]);
    }
    assertEquals(correct, scored.correct());
    assertEquals(acc, scored.accuracy(), 0.0);
    assertEquals(loss, scored.lossSum(), 1e-9);
    assertEquals(3, Inference.members(net, saved.params(), saved.state()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Inference.members(
                net,
                java.util.Arrays.copyOf(saved.params(), saved.params().length - 1),
                saved.state()));

    SavedModel single =
        new SavedModel(SPEC, ensemble.memberParameters(0), new double[0], null, Map.of());
    assertTrue(
        assertThrows(ModelFormatException.class, () -> Ensemble.fromSavedModel(single, "m"))
            .getMessage()
            .contains("not an ensemble"));
  }
}
