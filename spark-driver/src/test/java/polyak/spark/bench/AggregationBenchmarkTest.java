package polyak.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The driver's inbound bytes per iteration, from Spark's task metrics: direct grows with the
 * partitions (2 on local[2]), sharded stays at one gradient.
 */
class AggregationBenchmarkTest {
  @Test
  void shardedDriverReceivesOneGradientDirectOnePerPartition() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    List<AggregationBenchmark.Line> lines =
        AggregationBenchmark.run(
            List.of("local[2]"),
            32,
            256,
            64,
            2,
            null,
            new PrintStream(text, true, StandardCharsets.UTF_8));
    assertEquals(3, lines.size());
    AggregationBenchmark.Line direct = lines.get(0);
    AggregationBenchmark.Line sharded = lines.get(2);
    assertEquals(784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10, direct.parameters());
    assertTrue(direct.perValue() >= 1.95 && direct.perValue() <= 2.2, direct.toString());
    assertEquals(0.0, direct.shuffleWriteBytes());
    assertTrue(sharded.mode().startsWith("sharded"), sharded.mode());
    assertTrue(sharded.perValue() >= 0.99 && sharded.perValue() <= 1.2, sharded.toString());
    assertTrue(sharded.shuffleWriteBytes() > 8.0 * sharded.parameters(), sharded.toString());
    assertTrue(
        text.toString(StandardCharsets.UTF_8).contains("| local[2] | 2 | sharded (2 slices) |"),
        text.toString(StandardCharsets.UTF_8));
  }
}
