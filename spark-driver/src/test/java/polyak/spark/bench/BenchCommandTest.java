package polyak.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import polyak.spark.cli.PolyakCli;

/** The benchmarks are one picocli command family; none of them reads its arguments by hand. */
class BenchCommandTest {
  static final Path SOURCES = Path.of("src/main/java/polyak/spark/bench");

  @Test
  void benchHelpListsTheFamily() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertEquals(0, PolyakCli.execute(p, p, "bench", "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("--quick"), help);
    for (String sub : List.of("optimizers", "distributed", "kernels", "data", "sparse", "scale")) {
      assertTrue(
          Pattern.compile("(?m)^\\s+" + sub + "\\s").matcher(help).find(),
          sub + " missing from\n" + help);
      out.reset();
      assertEquals(0, PolyakCli.execute(p, p, "bench", sub, "--help"), sub);
      assertTrue(
          out.toString(StandardCharsets.UTF_8).startsWith("Usage: polyak bench " + sub),
          out.toString());
    }
  }

  @Test
  void aBadBenchOptionIsBadUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(2, PolyakCli.execute(p, p, "bench", "kernels", "--batch", "many"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("--batch"),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theTrainerDoesNotDependOnTheBenchmarks() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f :
          files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(SOURCES)).toList()) {
        String text = Files.readString(f);
        if (text.contains("polyak.spark.bench")) {
          assertTrue(
              f.endsWith("cli/PolyakCli.java")
                  && text.contains("polyak.spark.bench.BenchCommand.class")
                  && !text.replace("polyak.spark.bench.BenchCommand.class", "")
                      .contains("polyak.spark.bench"),
              f + " uses the bench package (only the CLI registers its command)");
        }
      }
    }
  }

  @Test
  void noBenchmarkParsesArgumentsByHand() throws IOException {
    assertTrue(
        Files.isDirectory(SOURCES), SOURCES.toAbsolutePath() + " (tests run in spark-driver/)");
    Pattern byHand =
        Pattern.compile("static\\s+void\\s+main\\s*\\(|String\\s*\\[\\]\\s*args|\\bargs\\s*\\[");
    try (Stream<Path> files = Files.list(SOURCES)) {
      List<Path> java = files.filter(f -> f.toString().endsWith(".java")).toList();
      assertTrue(java.size() > 5, java.toString());
      for (Path f : java) {
        String text = Files.readString(f);
        assertFalse(byHand.matcher(text).find(), f + " parses its arguments by hand");
        if (text.contains("@Option")) {
          assertTrue(
              f.endsWith("BenchCommand.java"), f + ": options belong to the bench command family");
        }
      }
    }
  }
}
