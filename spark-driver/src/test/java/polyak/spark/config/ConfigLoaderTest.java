package polyak.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import polyak.optim.OptimizerKind;
import polyak.spark.data.DataFormat;
import polyak.spark.train.Aggregation;
import polyak.train.AveragingSpec;

/**
 * Config errors name the key (and where it came from); every accepted key is one of the defaults.
 */
class ConfigLoaderTest {
  static final File EXAMPLE = new File("../conf/fashion-mnist.conf");

  @TempDir Path dir;

  private File file(String text) throws IOException {
    return Files.writeString(dir.resolve("run.conf"), text).toFile();
  }

  private static ConfigError error(File file, String... overrides) {
    return assertThrows(ConfigError.class, () -> ConfigLoader.load(file, List.of(overrides)));
  }

  private static void assertMentions(Throwable e, String... parts) {
    for (String p : parts) {
      assertTrue(
          e.getMessage().contains(p),
          () -> "message should mention '" + p + "': " + e.getMessage());
    }
  }

  @Test
  void dataSparseIsAutoTrueOrFalse() throws IOException {
    File f =
        file(
            "data { format = libsvm, libsvm.features = 100000, train.paths = [a.svm] }\n"
                + "network.input = 100000\n");
    assertEquals(
        polyak.spark.data.SparseMode.AUTO, ConfigLoader.load(f, List.of()).train().sparse());
    assertEquals(
        polyak.spark.data.SparseMode.ON,
        ConfigLoader.load(f, List.of("data.sparse=true")).train().sparse());
    assertEquals(
        polyak.spark.data.SparseMode.OFF,
        ConfigLoader.load(f, List.of("data.sparse=false")).train().sparse());
    assertMentions(error(f, "data.sparse=sometimes"), "data.sparse", "sometimes");
  }

  @Test
  void bestRecipeLoadsAsShipped() {
    PolyakConfig c = ConfigLoader.load(new File("../conf/fashion-mnist-best.conf"), List.of());
    assertEquals(9, c.network().layers().size());
    assertEquals(1_004_298, c.network().parameterCount());
    assertEquals(512, c.training().batchSize());
    assertEquals(30, c.training().epochs());
    assertEquals(AveragingSpec.Kind.EMA, c.training().averaging().kind());
    assertEquals(Scaling.STANDARDIZE, c.scaling());
    assertEquals("runs/fashion-mnist-best", c.outputDir());
  }

  @Test
  void ensembleConfigLoadsAsShipped() {
    PolyakConfig c = ConfigLoader.load(new File("../conf/fashion-mnist-ensemble.conf"), List.of());
    assertEquals(4, c.ensemble().members());
    assertTrue(!c.ensemble().bootstrap());
    assertEquals(7, c.network().layers().size());
    assertEquals(537_354, c.network().parameterCount());
    assertEquals(15, c.training().epochs());
    assertEquals(AveragingSpec.Kind.EMA, c.training().averaging().kind());
    assertEquals("runs/fashion-mnist-ensemble", c.outputDir());
  }

  @Test
  void exampleConfigLoadsWithOverrides() {
    PolyakConfig c =
        ConfigLoader.load(
            EXAMPLE,
            List.of("training.epochs=3", "optimizer.name=nesterov", "data.train.limit=100"));
    assertEquals(3, c.training().epochs());
    assertEquals(1024, c.training().batchSize());
    assertEquals(OptimizerKind.NESTEROV, c.training().optimizer().kind());
    assertEquals(DataFormat.IDX, c.train().format());
    assertEquals(100, c.train().limit());
    assertNotNull(c.test());
    assertEquals(5, c.network().layers().size());
    assertEquals("runs/fashion-mnist/checkpoints", c.checkpointDir());
    assertEquals(200, c.checkpointEvery());
    assertTrue(
        c.rendered().contains("\"epochs\" : 3") || c.rendered().contains("\"epochs\":3"),
        c.rendered());
  }

  @Test
  void adversarialKeysReachTheTrainingConfig() {
    PolyakConfig off = ConfigLoader.load(EXAMPLE, List.of());
    assertTrue(!off.training().adversarial().active());
    PolyakConfig c =
        ConfigLoader.load(
            EXAMPLE,
            List.of(
                "adversarial.fgsm_epsilon=0.1",
                "adversarial.fgsm_fraction=0.25",
                "adversarial.gradient_penalty=0.5",
                "adversarial.penalty_step=0.001"));
    assertEquals(
        new polyak.train.AdversarialSpec(0.1, 0.25, 0.5, 0.001), c.training().adversarial());
  }

  @Test
  void distillationKeysReachTheConfig() {
    assertTrue(!ConfigLoader.load(EXAMPLE, List.of()).distillation().active());
    PolyakConfig c =
        ConfigLoader.load(
            EXAMPLE,
            List.of(
                "distillation.teacher=runs/big/model.polyak",
                "distillation.alpha=0.2",
                "distillation.temperature=3"));
    assertEquals(new DistillationConfig("runs/big/model.polyak", 0.2, 3), c.distillation());
  }

  @Test
  void defaultsAloneLoad() {
    PolyakConfig c = ConfigLoader.load(null, List.of());
    assertEquals("runs/latest", c.outputDir());
    assertEquals(OptimizerKind.ADAM, c.training().optimizer().kind());
  }

  @Test
  void unknownKeyInFileNamesFileAndKey() throws IOException {
    File f = file("training { batchsize = 64 }\n");
    ConfigError e = error(f);
    assertMentions(e, f.getPath(), "unknown key", "training.batchsize", "batch_size");
  }

  @Test
  void unknownTopLevelKeyInFile() throws IOException {
    ConfigError e = error(file("trainig.epochs = 2\n"));
    assertMentions(e, "unknown key", "trainig.epochs");
  }

  @Test
  void unknownKeyOnCommandLine() {
    ConfigError e = error(EXAMPLE, "optimizer.bta1=0.5");
    assertMentions(e, "command line", "unknown key", "optimizer.bta1", "beta1");
  }

  @Test
  void overrideNotKeyValue() {
    assertMentions(error(null, "training.epochs"), "command line", "training.epochs", "key=value");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "training.batch_size=abc         | training.batch_size",
        "training.epochs=2.5             | training.epochs",
        "optimizer.bias_correction=maybe | optimizer.bias_correction",
        "network.layers=relu             | network.layers",
        "learning_rate.initial=fast      | learning_rate.initial",
      })
  void wrongTypeOnCommandLineNamesKey(String override, String key) {
    assertMentions(error(EXAMPLE, override), key, "command line");
  }

  @Test
  void wrongTypeInFileNamesFileAndKey() throws IOException {
    File f = file("training { batch_size = \"lots\" }\n");
    ConfigError e = error(f);
    assertMentions(e, f.getPath(), "training.batch_size");
    assertTrue(!e.getMessage().contains("command line"), e.getMessage());
  }

  @Test
  void storedConfigErrorsNameTheirOrigin() {
    String stored = ConfigLoader.load(EXAMPLE, List.of()).rendered();
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                ConfigLoader.parse(
                    stored.replace("\"batch_size\" : 1024", "\"batch_size\" : \"x\""),
                    List.of(),
                    "ckpt-000000000010.polyak"));
    assertMentions(e, "ckpt-000000000010.polyak", "training.batch_size");
    assertEquals(
        7, ConfigLoader.parse(stored, List.of("training.epochs=7"), "ckpt").training().epochs());
  }

  @Test
  void aggregationIsAutoUnlessSetAndTheOlderDepthTwoStillMeansTheTree() {
    assertEquals(
        new Aggregation(Aggregation.Mode.AUTO, 0),
        ConfigLoader.load(EXAMPLE, List.of()).aggregation());
    assertEquals(
        new Aggregation(Aggregation.Mode.TREE, 0),
        ConfigLoader.load(EXAMPLE, List.of("spark.aggregation_depth=2")).aggregation());
    assertEquals(
        new Aggregation(Aggregation.Mode.SHARDED, 3),
        ConfigLoader.load(
                EXAMPLE,
                List.of(
                    "spark.aggregation=sharded",
                    "spark.aggregation_slices=3",
                    "spark.aggregation_depth=2"))
            .aggregation());
    assertEquals(
        new Aggregation(Aggregation.Mode.DIRECT, 0),
        ConfigLoader.load(EXAMPLE, List.of("spark.aggregation=direct")).aggregation());
    // local steps: off by default; on, one thread per task unless set, η defaults to the initial
    // rate
    PolyakConfig plain = ConfigLoader.load(EXAMPLE, List.of());
    assertEquals(1, plain.localSteps());
    PolyakConfig local = ConfigLoader.load(EXAMPLE, List.of("spark.local_steps=4"));
    assertEquals(4, local.localSteps());
    assertEquals(1, local.threadsPerTask());
    assertEquals(plain.training().learningRate().initial(), local.localRate());
    // long-lived gradient tasks: off by default
    assertFalse(plain.longLivedTasks());
    assertTrue(ConfigLoader.load(EXAMPLE, List.of("spark.long_lived_tasks=true")).longLivedTasks());
    // provenance's aggregation_depth says whether the tree's other order of additions was used
    assertEquals(
        2, ConfigLoader.load(EXAMPLE, List.of("spark.aggregation=tree")).aggregationDepth());
    assertEquals(
        1,
        ConfigLoader.load(
                EXAMPLE, List.of("spark.aggregation=sharded", "spark.aggregation_depth=2"))
            .aggregationDepth());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "optimizer.beta1=1.5            | optimizer.beta1",
        "optimizer.beta2=-0.1           | optimizer.beta2",
        "optimizer.epsilon=0            | optimizer.epsilon",
        "optimizer.name=momentum optimizer.momentum=1.5 | optimizer.momentum",
        "training.batch_size=0          | training.batch_size",
        "training.batch_size=-5         | training.batch_size",
        "training.epochs=0              | training.epochs",
        "training.max_iterations=-1     | training.max_iterations",
        "data.classes=0                 | data.classes",
        "data.partitions=-1             | data.partitions",
        "checkpoint.every=-1            | checkpoint.every",
        "checkpoint.keep=0              | checkpoint.keep",
        "spark.aggregation_depth=3      | spark.aggregation_depth",
        "spark.threads_per_task=-1      | spark.threads_per_task",
        "spark.aggregation=ring         | spark.aggregation",
        "spark.aggregation_slices=-1    | spark.aggregation_slices",
        "spark.local_steps=0            | spark.local_steps",
        "spark.local_rate=-1            | spark.local_rate",
        "spark.local_steps=4 adversarial.fgsm_epsilon=0.1 | spark.local_steps",
        "spark.local_steps=4 training.gradient_delay=1 | spark.local_steps",
        "spark.long_lived_tasks=true training.gradient_delay=1 | spark.long_lived_tasks",
        "spark.long_lived_tasks=true spark.local_steps=4 | spark.long_lived_tasks",
        "spark.long_lived_tasks=true spark.aggregation=tree | spark.long_lived_tasks",
        "spark.long_lived_tasks=true spark.aggregation=sharded | spark.long_lived_tasks",
        "spark.long_lived_tasks=true optimizer.name=lbfgs | spark.long_lived_tasks",
        "spark.long_lived_tasks=true distillation.teacher=t.polyak | spark.long_lived_tasks",
        "learning_rate.initial=-0.1     | learning_rate.initial",
        "learning_rate.schedule=linear  | learning_rate.schedule",
        "evaluation.patience=-1         | evaluation.patience",
        "regularization.l2=-1           | regularization.l2",
        "clipping.norm=-1               | clipping.norm",
        "averaging.kind=median          | averaging.kind",
        "averaging.kind=ema averaging.decay=1.5 | averaging.decay",
        "data.scaling=log               | data.scaling",
        "output.dir=\"\"                | output.dir",
        "adversarial.fgsm_epsilon=-0.1  | adversarial.fgsm_epsilon",
        "adversarial.fgsm_fraction=1.5  | adversarial.fgsm_fraction",
        "adversarial.gradient_penalty=-1 | adversarial.gradient_penalty",
        "adversarial.penalty_step=0     | adversarial.penalty_step",
        "distillation.alpha=1.5         | distillation.alpha",
        "distillation.temperature=0     | distillation.temperature",
        "distillation.teacher=t.polyak adversarial.fgsm_epsilon=0.1 | distillation.teacher",
      })
  void outOfRangeValuesNameTheKey(String overrides, String key) {
    ConfigError e = error(EXAMPLE, overrides.split(" "));
    assertMentions(e, key);
    assertTrue(e.getMessage().startsWith("command line: 1: " + key), e.getMessage());
  }

  @Test
  void outOfRangeValuesInFileNameFileLineAndKey() throws IOException {
    File f = file("training {\n  epochs = 3\n  batch_size = 0\n}\noptimizer.beta1 = 0.5\n");
    assertTrue(
        error(f).getMessage().startsWith(f.getPath() + ": 3: training.batch_size must be positive"),
        error(f)::getMessage);
    ConfigError e = error(f, "training.batch_size=32", "optimizer.beta1=1.5");
    assertTrue(e.getMessage().startsWith("command line: 1: optimizer.beta1"), e.getMessage());
  }

  @Test
  void badLayerNamesNetworkLayersIndex() {
    assertMentions(
        error(EXAMPLE, "network.layers=[\"dense 64\", swish, \"dense 10\"]"),
        "network.layers[1]",
        "swish");
    assertMentions(
        error(EXAMPLE, "network.layers=[\"dense 64\", \"dropout 0\", \"dense 10\"]"),
        "network.layers[1]",
        "keep probability");
    assertMentions(
        error(EXAMPLE, "network.layers=[\"dense 64\", relu, \"dense -3\"]"), "network.layers[2]");
    assertMentions(
        error(EXAMPLE, "network.layers=[\"dense 64\", \"maxout 3\", \"dense 10\"]"),
        "network.layers[1]");
    assertMentions(
        error(EXAMPLE, "network.layers=[\"dense 64\", relu, \"groupnorm 5\", \"dense 10\"]"),
        "network.layers[2]",
        "not divisible by the group size 5");
    assertMentions(error(EXAMPLE, "network.loss=hinge"), "network.loss", "hinge");
    assertMentions(error(EXAMPLE, "network.input=0"), "network.input");
  }

  @Test
  void unknownOptimizerNamesKeyAndChoices() {
    assertMentions(
        error(EXAMPLE, "optimizer.name=adamax"), "optimizer.name", "adamax", "adam", "nesterov");
  }

  @Test
  void unknownDataFormat() {
    assertMentions(error(EXAMPLE, "data.format=tfrecord"), "data.format", "tfrecord", "csv");
  }

  @Test
  void textFormatsNeedPaths() {
    // evaluate and predict need no training data: only asking for it fails, naming the keys
    PolyakConfig noTrain =
        ConfigLoader.load(EXAMPLE, List.of("data.format=csv", "data.test.paths=[t.csv]"));
    assertMentions(assertThrows(ConfigError.class, noTrain::train), "data.train.paths");
    assertMentions(
        error(EXAMPLE, "data.format=csv", "data.train.paths=[a.csv]", "data.csv.delimiter=\"ab\""),
        "data.csv.delimiter");
  }

  @Test
  void missingConfigFile() {
    File missing = dir.resolve("nope.conf").toFile();
    assertMentions(error(missing), missing.getPath(), "not found");
  }

  @Test
  void unparsableConfigFile() throws IOException {
    File f = file("training { batch_size = \n");
    ConfigError e = error(f);
    assertMentions(e, f.getPath());
    assertTrue(
        e.getMessage().indexOf(f.getPath()) == e.getMessage().lastIndexOf(f.getPath()),
        e.getMessage());
  }
}
