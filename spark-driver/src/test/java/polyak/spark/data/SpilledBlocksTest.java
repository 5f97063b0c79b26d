package polyak.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spark.PolyakKryoRegistrator;
import polyak.spark.bench.SyntheticLibSvm;
import polyak.spark.train.SparkTrainer;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.TrainResult;
import polyak.train.TrainingConfig;
import polyak.train.TrainingListener;

/**
 * Data larger than storage memory: with a storage memory of about 1 MiB the ≈ 3 MiB of cached
 * blocks spill to local disk, and training still equals the in-memory run bit for bit while the
 * source files are read once, at load (Spark's input metrics), and never during training.
 */
class SpilledBlocksTest {
  static final int FEATURES = 60;
  static final NetworkSpec SPEC =
      SpecParser.network(
          "spill",
          """
      input 60
      dense 16
      tanh
      dense 3
      loss softmax_ce
      """);

  @TempDir static Path dir;
  static List<Path> files;
  static long fileBytes;

  @BeforeAll
  static void generate() throws IOException {
    files =
        SyntheticLibSvm.write(
            dir.resolve("set"), new SyntheticLibSvm.Shape(6000, FEATURES, 1.0, 3, 3, 11));
    long total = 0;
    for (Path f : files) {
      total += Files.size(f);
    }
    fileBytes = total;
  }

  /** What one session observed: parameters after training, the cache and the source reads. */
  record Run(
      double[] parameters,
      BlockStorage storage,
      long loadSourceBytes,
      long trainSourceBytes,
      long loadInputBytes,
      long trainInputBytes) {}

  static Run train(SparkSession spark) {
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      InputMeter meter = InputMeter.attach(spark.sparkContext());
      String[] paths = files.stream().map(Path::toString).toArray(String[]::new);
      LoadedData data = TrainingData.load(spark, DataSource.libsvm(FEATURES, 3, paths), 4);
      InputMeter.drain(spark.sparkContext());
      long loadSource = meter.sourceBytes();
      long loadInput = meter.inputBytes();
      TrainingConfig config =
          TrainingConfig.defaults()
              .withBatchSize(256)
              .withEpochs(100)
              .withMaxIterations(12)
              .withOptimizer(OptimizerSpec.defaults("adam"))
              .withLearningRate(ScheduleSpec.constant(0.01));
      TrainResult result =
          new SparkTrainer(sc, SPEC, config, 1)
              .train(data.blocks(), data.partitionRows(), null, TrainingListener.NONE);
      BlockStorage storage = data.storage();
      InputMeter.drain(spark.sparkContext());
      return new Run(
          result.state().parameters(),
          storage,
          loadSource,
          meter.sourceBytes() - loadSource,
          loadInput,
          meter.inputBytes() - loadInput);
    } finally {
      spark.stop();
    }
  }

  static SparkSession.Builder session(String name) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(name)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", PolyakKryoRegistrator.class.getName())
        .config("spark.kryo.registrationRequired", "true");
  }

  @Test
  void blocksLargerThanStorageMemoryTrainAsInMemoryAndReadTheSourceOnce() {
    Run inMemory = train(session("in-memory").getOrCreate());
    // Unified (execution + storage) memory = spark.testing.memory × spark.memory.fraction ≈ 1.2 MB
    // with no reserved memory: about a third of the blocks' ≈ 3 MB.
    Run spilled =
        train(
            session("spilled")
                .config("spark.testing.memory", "2000000")
                .config("spark.testing.reservedMemory", "0")
                .config("spark.memory.fraction", "0.6")
                .getOrCreate());

    assertTrue(inMemory.storage().allInMemory(), "in-memory run: " + inMemory.storage());
    assertFalse(spilled.storage().allInMemory(), "small-memory run: " + spilled.storage());
    assertTrue(
        spilled.storage().diskBytes() > 2 * spilled.storage().memoryBytes(),
        spilled.storage().toString());
    assertEquals(4, spilled.storage().cached(), "every block cached, in memory or on disk");

    assertArrayEquals(inMemory.parameters(), spilled.parameters());

    for (Run r : List.of(inMemory, spilled)) {
      assertEquals(fileBytes, r.loadSourceBytes(), "the source is read once, at load");
      assertEquals(0, r.trainSourceBytes(), "and not again while training");
      assertTrue(r.loadInputBytes() >= fileBytes, "Spark's input metrics count the source read");
      assertTrue(r.trainInputBytes() > 0, "and the cached blocks read while training");
    }
  }
}
