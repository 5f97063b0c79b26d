package polyak.spark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import polyak.spark.config.ConfigLoader;

/**
 * What can be checked here of the deploy files that cannot run here (no Kubernetes, no YARN): the
 * manifests parse and agree with the Dockerfile, the pom and the CLI; the scripts are valid bash;
 * conf/spark-defaults.conf is a well-formed properties file.
 */
class DeployFilesTest {
  static final Path ROOT = Deploy.ROOT;
  static final Path K8S = ROOT.resolve("deploy/k8s");

  static String sparkVersion() throws IOException {
    Matcher m =
        Pattern.compile("<spark.version>([^<]+)</spark.version>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertTrue(m.find());
    return m.group(1);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String file) throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<Object> docs = new ArrayList<>();
    yaml.loadAll(Files.readString(K8S.resolve(file))).forEach(docs::add);
    assertEquals(1, docs.size(), file + ": one document");
    return (Map<String, Object>) docs.get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    assertNotNull(v, "missing " + key + " in " + m.keySet());
    return (Map<String, Object>) v;
  }

  @Test
  void sparkApplicationRunsPolyakTrainFromTheImage() throws IOException {
    Map<String, Object> app = yaml("sparkapplication.yaml");
    assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion"));
    assertEquals("SparkApplication", app.get("kind"));
    checkSpec(map(app, "spec"));
  }

  @Test
  void scheduledSparkApplicationHasACronScheduleAndTheSameTemplate() throws IOException {
    Map<String, Object> app = yaml("scheduledsparkapplication.yaml");
    assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion"));
    assertEquals("ScheduledSparkApplication", app.get("kind"));
    Map<String, Object> spec = map(app, "spec");
    assertTrue(
        String.valueOf(spec.get("schedule")).matches("(\\S+\\s+){4}\\S+|@\\w+.*"),
        "cron schedule: " + spec.get("schedule"));
    assertTrue(List.of("Allow", "Forbid", "Replace").contains(spec.get("concurrencyPolicy")));
    checkSpec(map(spec, "template"));
  }

  @SuppressWarnings("unchecked")
  void checkSpec(Map<String, Object> spec) throws IOException {
    String docker = Files.readString(K8S.resolve("Dockerfile"));
    assertEquals("Java", spec.get("type"));
    assertEquals("cluster", spec.get("mode"));
    assertEquals(sparkVersion(), spec.get("sparkVersion"), "sparkVersion vs the root pom");
    assertEquals("polyak.spark.cli.PolyakCli", spec.get("mainClass"));
    // The jar and the config are where the Dockerfile puts them.
    String jar = (String) spec.get("mainApplicationFile");
    assertTrue(jar.startsWith("local://"), jar);
    assertTrue(
        docker.contains(
            "COPY spark-driver/target/polyak-app-*.jar " + jar.substring("local://".length())),
        "Dockerfile copies the app jar to " + jar);
    List<String> args = (List<String>) spec.get("arguments");
    assertEquals("train", args.get(0));
    int conf = args.indexOf("--conf");
    String confInImage = args.get(conf + 1);
    assertTrue(
        docker.contains("COPY conf/ /opt/polyak/conf/")
            && confInImage.startsWith("/opt/polyak/conf/"));
    Path confHere =
        ROOT.resolve("conf").resolve(confInImage.substring("/opt/polyak/conf/".length()));
    assertTrue(Files.exists(confHere), confHere + " (copied into the image)");
    // The config and overrides are valid polyak config (loaded as the driver would, minus the
    // data).
    ConfigLoader.load(confHere.toFile(), args.subList(conf + 2, args.size()));
    Map<String, Object> sparkConf = map(spec, "sparkConf");
    assertEquals("org.apache.spark.serializer.KryoSerializer", sparkConf.get("spark.serializer"));
    assertEquals("polyak.spark.PolyakKryoRegistrator", sparkConf.get("spark.kryo.registrator"));
    sparkConf
        .values()
        .forEach(v -> assertTrue(v instanceof String, "sparkConf values are strings: " + v));
    Map<String, Object> executor = map(spec, "executor");
    Map<String, Object> driver = map(spec, "driver");
    assertTrue(
        executor.get("instances") instanceof Integer && executor.get("cores") instanceof Integer);
    int partitions =
        args.stream()
            .filter(a -> a.startsWith("data.partitions="))
            .map(a -> a.substring(16))
            .mapToInt(Integer::parseInt)
            .findFirst()
            .orElse(0);
    assertEquals(
        (Integer) executor.get("instances") * (Integer) executor.get("cores"),
        partitions,
        "data.partitions = executor instances x cores");
    // Every volume mount names a declared volume.
    List<String> volumes =
        ((List<Map<String, Object>>) spec.get("volumes"))
            .stream().map(v -> (String) v.get("name")).toList();
    for (Map<String, Object> pod : List.of(driver, executor)) {
      for (Map<String, Object> mount : (List<Map<String, Object>>) pod.get("volumeMounts")) {
        assertTrue(volumes.contains(mount.get("name")), "volume " + mount.get("name"));
      }
    }
    assertEquals("Never", map(spec, "restartPolicy").get("type"));
  }

  @Test
  void dockerfileBuildsOnTheSparkVersionPolyakIsBuiltAgainst() throws IOException {
    Matcher m =
        Pattern.compile("ARG SPARK_IMAGE=apache/spark:([0-9.]+)-scala([0-9.]+)-java(\\d+)")
            .matcher(Files.readString(K8S.resolve("Dockerfile")));
    assertTrue(m.find());
    assertEquals(sparkVersion(), m.group(1));
    assertEquals("2.13", m.group(2));
    assertEquals("17", m.group(3));
  }

  @Test
  void scriptsAreValidBash() throws Exception {
    List<Path> scripts;
    try (Stream<Path> s = Files.walk(ROOT.resolve("deploy"))) {
      scripts =
          s.filter(Files::isRegularFile)
              .filter(
                  f -> {
                    try {
                      return Files.readString(f, StandardCharsets.UTF_8)
                              .startsWith("#!/usr/bin/env bash")
                          || f.toString().endsWith(".sh");
                    } catch (IOException e) {
                      return false;
                    }
                  })
              .toList();
    }
    assertTrue(scripts.size() >= 6, "scripts found: " + scripts);
    for (Path script : scripts) {
      Process p =
          new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), script + ": " + out);
      if (!script.toString().endsWith("common.sh")) {
        assertTrue(Files.isExecutable(script), script + " is not executable");
      }
    }
  }

  @Test
  void submitRefusesAnUnknownCommandBeforeStartingAnything() throws Exception {
    Process p =
        new ProcessBuilder(
                ROOT.resolve("deploy/submit").toString(), "--master", "local[1]", "--", "trian")
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("unknown polyak command 'trian'"), out);
  }

  @Test
  void sparkDefaultsIsAWellFormedPropertiesFile() throws IOException {
    Pattern line = Pattern.compile("spark\\.[A-Za-z0-9.]+\\s+\\S.*");
    List<String> keys = new ArrayList<>();
    for (String l : Files.readAllLines(ROOT.resolve("conf/spark-defaults.conf"))) {
      String t = l.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      assertTrue(line.matcher(t).matches(), "not a 'key value' line: " + l);
      assertTrue(!t.contains("<"), "a placeholder in an active line: " + l);
      keys.add(t.split("\\s+")[0]);
    }
    assertTrue(
        keys.containsAll(
            List.of("spark.serializer", "spark.kryo.registrator", "spark.io.encryption.enabled")),
        keys.toString());
  }
}
