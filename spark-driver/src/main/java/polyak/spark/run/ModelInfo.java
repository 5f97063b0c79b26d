package polyak.spark.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import polyak.io.SavedModel;

/**
 * {@code polyak info --model FILE}: what a model file says about itself — network, parameter count,
 * preprocessor, provenance (run id, dense kernel, Java, OS, Spark, aggregation depth, polyak version
 * and commit, ...) and the training config — read without starting Spark.
 */
public final class ModelInfo {
  private ModelInfo() {}

  public static void print(String modelFile, PrintStream out) throws IOException {
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(modelFile);
    if (!path.getFileSystem(conf).exists(path)) {
      throw new IllegalArgumentException(modelFile + ": no such model file");
    }
    SavedModel m = ModelLoader.load(modelFile, conf);
    out.println("model:        " + modelFile);
    out.println("network:      " + m.spec().text().strip().replace("\n", "; "));
    out.println("parameters:   " + m.paramCount() + " (+ " + m.state().length + " non-trainable state values)");
    out.println("preprocessor: " + m.preprocessor().map(Object::toString).orElse("none"));
    out.println("provenance:");
    String config = null;
    for (Map.Entry<String, String> e : m.provenance().entrySet()) {
      if (e.getKey().equals("config")) {
        config = e.getValue();
      } else {
        out.println("  " + e.getKey() + ": " + e.getValue());
      }
    }
    out.println("training config:" + (config == null ? " (not recorded)" : ""));
    if (config != null) {
      config.lines().forEach(l -> out.println("  " + l));
    }
  }
}
