package polyak.spark.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The resume allow-list: which overrides may change a resumed run's config (no Spark needed). */
class ResumeOverridesTest {
  static final String STORED =
      ConfigLoader.load(null, List.of("training.batch_size=128")).rendered();

  static void check(String... overrides) {
    List<String> o = List.of(overrides);
    ResumeOverrides.check(STORED, ConfigLoader.parse(STORED, o, "ckpt"), o, "ckpt");
  }

  @Test
  void allowedKeysAndUnchangedValuesPass() {
    check(
        "training.epochs=30",
        "training.max_iterations=7",
        "checkpoint.every=5",
        "checkpoint.keep=4",
        "checkpoint.dir=/tmp/c",
        "evaluation.every=3",
        "evaluation.patience=2",
        "output.dir=/tmp/o");
    check("training.batch_size=128", "optimizer.name=adam");
  }

  @Test
  void keysThatChangeTheSavedStateAreRefusedByName() {
    for (String o :
        List.of(
            "training.batch_size=256",
            "training.seed=5",
            "optimizer.name=sgd",
            "learning_rate.initial=0.5",
            "data.partitions=3",
            "network.layers=[\"dense 10\"]")) {
      String key = ResumeOverrides.key(o);
      ConfigError e = assertThrows(ConfigError.class, () -> check(o), o);
      assertTrue(e.getMessage().contains(key + " cannot change on --resume"), e.getMessage());
      assertTrue(
          e.getMessage().contains("training.epochs, training.max_iterations"), e.getMessage());
    }
  }
}
