package polyak.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import polyak.train.ProgressSpec;

/** evaluation.target_accuracy and noise_scale: defaults off, values read back, bad ones named. */
class ProgressConfigTest {
  @Test
  void defaultsAreOffAndValuesReadBack() {
    ProgressSpec off = ProgressConfig.of(ConfigLoader.parse("", List.of(), "test"));
    assertFalse(off.hasTarget());
    assertFalse(off.noiseScale());
    ProgressSpec on =
        ProgressConfig.of(
            ConfigLoader.parse(
                "evaluation.target_accuracy = 0.84\nnoise_scale { enabled = true, decay = 0.9 }",
                List.of(),
                "test"));
    assertEquals(0.84, on.targetAccuracy());
    assertTrue(on.noiseScale());
    assertEquals(0.9, on.noiseDecay());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    ConfigError target =
        assertThrows(
            ConfigError.class,
            () -> ConfigLoader.parse("", List.of("evaluation.target_accuracy=1.5"), "test"));
    assertTrue(target.getMessage().contains("evaluation.target_accuracy"), target.getMessage());
    ConfigError decay =
        assertThrows(
            ConfigError.class,
            () -> ConfigLoader.parse("", List.of("noise_scale.decay=1"), "test"));
    assertTrue(decay.getMessage().contains("noise_scale.decay"), decay.getMessage());
  }
}
