package polyak.spark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The "Run on a cluster" README section, run as written through bash: start the local standalone
 * cluster, submit, look at the result, stop. Two changes: the build line is skipped (this test runs
 * on the jar the build just made) and {@code runs/cluster} becomes a directory under target/.
 */
class ReadmeClusterSectionIT {
  static final Path README = Deploy.ROOT.resolve("README.md");

  @Test
  void theReadmeCommandsWork() throws Exception {
    Deploy.assumePackaged();
    assumeTrue(
        Deploy.fashionMnistInstalled(),
        "Fashion-MNIST is not installed in " + Deploy.FASHION_MNIST);
    Path work = Deploy.TARGET.resolve("deploy-it/readme");
    StandaloneClusterIT.deleteRecursively(work);
    Files.createDirectories(work);
    Path out = work.resolve("runs-cluster");
    Path state = work.resolve("standalone");
    Path log = work.resolve("readme.log");

    String readme = Files.readString(README);
    int section = readme.indexOf("\n## Run on a cluster");
    assertTrue(section >= 0, "README.md has no '## Run on a cluster' section");
    Matcher block = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(block.find(section), "no ```bash block in the README's cluster section");
    List<String> lines = new ArrayList<>();
    for (String line : block.group(1).replace("\\\n", " ").split("\n")) {
      if (!line.startsWith("./mvnw ")) {
        lines.add(line.replace("runs/cluster", out.toString()));
      }
    }
    String script = String.join("\n", lines);
    assertTrue(
        script.contains("deploy/standalone-cluster start")
            && script.contains("deploy/submit")
            && script.contains("deploy/standalone-cluster stop"),
        script);
    Files.writeString(work.resolve("readme-section.sh"), script + "\n");

    Map<String, String> env = Map.of("POLYAK_STANDALONE_DIR", state.toString());
    Process p =
        Deploy.script(
                log,
                env,
                List.of("bash", "-euo", "pipefail", work.resolve("readme-section.sh").toString()))
            .start();
    int rc;
    try {
      rc = Deploy.await(p, Duration.ofMinutes(5), log);
    } finally {
      // whatever happened, leave no daemons behind
      Deploy.await(
          Deploy.script(log, env, List.of("deploy/standalone-cluster", "stop")).start(),
          Duration.ofMinutes(1),
          log);
    }
    String output = Files.readString(log);
    assertEquals(0, rc, "the README commands failed:\n" + Deploy.tail(log, 40));
    assertTrue(output.contains("spark://127.0.0.1:"), output);
    assertTrue(Files.exists(out.resolve("model.polyak")));
    // the `tail` line printed the last step and the validation result
    assertTrue(output.contains("\"type\":\"eval\""), Deploy.tail(log, 10));
    assertTrue(output.contains("stopped master"), Deploy.tail(log, 10));
    assertFalse(Files.exists(state.resolve("master.pid")), "the cluster was not stopped");
    System.out.println(Deploy.tail(log, 12));
  }
}
