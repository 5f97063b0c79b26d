package polyak.spark.run;

import polyak.data.DataException;
import polyak.spark.config.PolyakConfig;
import polyak.spark.config.Scaling;
import polyak.spark.data.LoadedData;
import polyak.spec.LayerSpec;

/**
 * What sparse blocks ({@code data.sparse}) refuse, before anything runs: every step that would make
 * the rows dense or needs a dense input. Refused rather than silently densified, so a data set that
 * only fits sparse never quietly becomes rows × width doubles. Each message names the key.
 */
final class SparseInputChecks {
  private SparseInputChecks() {}

  static void check(PolyakConfig config, LoadedData data) {
    if (data == null || !data.isSparse()) {
      return;
    }
    String fix = " (or load the rows dense with data.sparse = false)";
    if (config.scaling() == Scaling.STANDARDIZE) {
      throw new DataException(
          data.description()
              + ": data.scaling = standardize centres every feature, which makes sparse rows"
              + " dense; use data.scaling = none or pixels"
              + fix);
    }
    if (config.pca().components() > 0) {
      throw new DataException(
          data.description()
              + ": data.pca.components = "
              + config.pca().components()
              + " projects onto dense components; set data.pca.components = 0"
              + fix);
    }
    if (!(config.network().layers().get(0) instanceof LayerSpec.Dense)) {
      throw new DataException(
          data.description()
              + ": sparse rows need a dense first layer, but network.layers[0] is "
              + config.network().layers().get(0)
              + fix);
    }
    if (config.ensemble().active() && config.ensemble().bootstrap()) {
      throw new DataException(
          data.description()
              + ": ensemble.bootstrap = true draws bootstrap samples, which need dense rows;"
              + " set ensemble.bootstrap = false"
              + fix);
    }
    if (config.training().adversarial().active()) {
      throw new DataException(
          data.description()
              + ": adversarial training needs the input gradient, which sparse rows do not have;"
              + " turn adversarial training off"
              + fix);
    }
  }
}
