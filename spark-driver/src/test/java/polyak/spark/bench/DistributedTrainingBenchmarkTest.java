package polyak.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class DistributedTrainingBenchmarkTest {
  private static final List<String> SMALL =
      List.of("data.train.limit=2048", "data.test.limit=512", "training.batch_size=256");

  /** A second bench run into the same --output makes its own run directory (was refused). */
  @Test
  void runsTwiceIntoTheSameOutputWithoutTouchingTheFirstRun(@TempDir Path output) throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    DistributedTrainingBenchmark.run(1, true, output, "local[2]", SMALL, null, quiet);
    List<Path> first = runDirs(output);
    assertEquals(1, first.size());
    long firstModel =
        Files.getLastModifiedTime(first.get(0).resolve("float32/synchronous/model.polyak"))
            .toMillis();
    DistributedTrainingBenchmark.run(1, true, output, "local[2]", SMALL, null, quiet);
    List<Path> both = runDirs(output);
    assertEquals(2, both.size());
    assertTrue(both.contains(first.get(0)));
    assertEquals(
        firstModel,
        Files.getLastModifiedTime(first.get(0).resolve("float32/synchronous/model.polyak"))
            .toMillis());
    for (Path run : both) {
      for (String precision : List.of("float32", "float64")) {
        for (String mode : List.of("synchronous", "delayed", "large-batch")) {
          assertTrue(
              Files.exists(run.resolve(precision).resolve(mode).resolve("model.polyak")),
              run + " " + precision + " " + mode);
        }
      }
    }
  }

  private static List<Path> runDirs(Path output) throws Exception {
    try (Stream<Path> s = Files.list(output)) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }
}
