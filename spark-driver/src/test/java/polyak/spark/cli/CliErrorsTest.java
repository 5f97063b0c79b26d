package polyak.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import polyak.data.DataException;
import polyak.spark.config.ConfigError;

/**
 * Bad input on the command line: exit code 2 and one line "polyak: ..." on stderr naming the key
 * (no Spark session is started for a bad config). Picocli's usage errors also exit with 2.
 */
class CliErrorsTest {
  static final String EXAMPLE = "../conf/fashion-mnist.conf";

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = PolyakCli.execute(o, e, args);
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Exit code 2 and exactly one line on stderr, "polyak: ..." mentioning every part. */
  static void assertBadInput(Result r, String... parts) {
    assertEquals(2, r.code(), r::toString);
    String err = r.err().strip();
    assertTrue(err.startsWith("polyak: "), r::toString);
    assertEquals(1, err.lines().count(), r::toString);
    for (String p : parts) {
      assertTrue(err.contains(p), () -> "stderr should mention '" + p + "': " + err);
    }
    assertEquals("", r.out(), r::toString);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "train    | optimizer.bta1=0.5             | optimizer.bta1",
        "train    | training.batch_size=abc        | training.batch_size",
        "train    | training.batch_size=0          | training.batch_size",
        "train    | optimizer.beta1=1.5            | optimizer.beta1",
        "train    | optimizer.name=adamax          | optimizer.name",
        "train    | data.format=tfrecord           | data.format",
        "train    | network.layers=[\"dense 64\", \"dropout 0\", \"dense 10\"] | network.layers[1]",
        "train    | network.layers=[\"dense 64\", swish, \"dense 10\"]     | network.layers[1]",
        "train    | training.epochs=1.5            | training.epochs",
        "evaluate | learning_rate.schedule=linear  | learning_rate.schedule",
        "predict  | data.classes=-1                | data.classes",
        "gradcheck | spark.aggregation_depth=5     | spark.aggregation_depth",
      })
  void badOverride(String command, String override, String key) {
    String[] args =
        switch (command) {
          case "train", "gradcheck" -> new String[] {command, "--conf", EXAMPLE, override};
          case "evaluate" -> new String[] {command, "--conf", EXAMPLE, "-m", "x.polyak", override};
          default ->
              new String[] {command, "--conf", EXAMPLE, "-m", "x.polyak", "-o", "out", override};
        };
    assertBadInput(cli(args), key);
  }

  @Test
  void unknownKeyInConfigFile() throws IOException {
    Path conf =
        Files.writeString(
            dir.resolve("bad.conf"), "training {\n  batch_size = 64\n  epoch = 3\n}\n");
    assertBadInput(
        cli("train", "--conf", conf.toString()), conf.toString(), "unknown key 'training.epoch'");
  }

  @Test
  void wrongTypeInConfigFile() throws IOException {
    Path conf = Files.writeString(dir.resolve("bad.conf"), "optimizer { beta1 = high }\n");
    assertBadInput(cli("train", "--conf", conf.toString()), conf.toString(), "optimizer.beta1");
  }

  @Test
  void missingConfigFile() {
    String missing = dir.resolve("missing.conf").toString();
    assertBadInput(cli("train", "--conf", missing), missing, "not found");
    assertBadInput(cli("evaluate", "-c", missing, "-m", "m.polyak"), missing, "not found");
  }

  @Test
  void usageErrorsExitWith2() {
    Result noModel = cli("evaluate", "--conf", EXAMPLE);
    assertEquals(2, noModel.code());
    assertTrue(noModel.err().contains("--model"), noModel::toString);
    assertEquals(2, cli("train", "--bogus").code());
    assertEquals(2, cli("fly").code());
    // a resumed run's config is the one in its checkpoint: a --conf would be silently ignored
    Result resumeWithConf = cli("train", "--conf", EXAMPLE, "--resume", dir.toString());
    assertEquals(2, resumeWithConf.code());
    assertTrue(
        resumeWithConf.err().contains("--conf cannot be combined with --resume"),
        resumeWithConf::toString);
    Result notKeyValue = cli("train", "--conf", EXAMPLE, "training.epochs");
    assertBadInput(notKeyValue, "training.epochs", "key=value");
  }

  @Test
  void helpAndVersion() {
    Result help = cli("train", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--resume"), help::toString);
    Result version = cli("--version");
    assertEquals(0, version.code());
    assertTrue(version.out().startsWith("polyak "), version::toString);
  }

  @Test
  void failuresMapToExitCodesAndPeelSparkWrappers() {
    StringWriter w = new StringWriter();
    int code =
        Failures.report(
            new SparkException("Job aborted", new DataException("train.csv: row 3: bad label")),
            new PrintWriter(w));
    assertEquals(2, code);
    assertEquals("polyak: train.csv: row 3: bad label", w.toString().strip());

    w = new StringWriter();
    assertEquals(
        2,
        Failures.report(
            new ConfigError("training.epochs must be positive, got 0"), new PrintWriter(w)));
    assertEquals("polyak: training.epochs must be positive, got 0", w.toString().strip());

    w = new StringWriter();
    assertEquals(
        1,
        Failures.report(
            new IOException("training diverged: iteration 3: ..."), new PrintWriter(w)));
    assertEquals("polyak: training diverged: iteration 3: ...", w.toString().strip());

    w = new StringWriter();
    assertEquals(1, Failures.report(new IllegalStateException(), new PrintWriter(w)));
    assertEquals("polyak: IllegalStateException", w.toString().strip());
  }
}
