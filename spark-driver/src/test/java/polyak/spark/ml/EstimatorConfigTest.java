package polyak.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A PolyakClassifier's config, without Spark: an ensemble is refused by name (it trains one model).
 */
class EstimatorConfigTest {
  @Test
  void anEnsembleIsRefusedNamingTheKey() {
    PolyakClassifier est =
        new PolyakClassifier().setLayers("dense 4").setConfig("ensemble.members = 2");
    String message =
        assertThrows(IllegalArgumentException.class, () -> EstimatorConfig.build(est, 3, "out"))
            .getMessage();
    assertTrue(message.contains("ensemble.members"), message);
    assertEquals(
        0,
        EstimatorConfig.build(new PolyakClassifier().setLayers("dense 4"), 3, "out")
            .ensemble()
            .members());
  }
}
