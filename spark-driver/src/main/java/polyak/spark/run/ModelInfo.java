package polyak.spark.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import polyak.io.SavedModel;

/**
 * {@code polyak info --model FILE}: what a model file says about itself — network, parameter count,
 * preprocessor, provenance (run id, dense kernel, Java, OS, Spark, aggregation depth, polyak
 * version and commit, ...) and the training config — read without starting Spark.
 */
public final class ModelInfo {
  private ModelInfo() {}

  /**
   * Reads the file as it is, without building the network (that would load a BLAS): a local path
   * through java.nio, anything else through Hadoop — keeps {@code polyak info} fast.
   */
  private static SavedModel read(String modelFile) throws IOException {
    java.net.URI uri = new org.apache.hadoop.fs.Path(modelFile).toUri();
    if (uri.getScheme() == null || uri.getScheme().equals("file")) {
      java.nio.file.Path local = java.nio.file.Paths.get(uri.getPath());
      if (!java.nio.file.Files.isRegularFile(local)) {
        throw new IllegalArgumentException(modelFile + ": no such model file");
      }
      return polyak.io.ModelFile.load(local);
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(modelFile);
    try (java.io.InputStream in = path.getFileSystem(new Configuration()).open(path)) {
      return polyak.io.ModelFile.read(in, modelFile);
    }
  }

  public static void print(String modelFile, PrintStream out) throws IOException {
    SavedModel m = read(modelFile);
    out.println("model:        " + modelFile);
    out.println("network:      " + m.spec().text().strip().replace("\n", "; "));
    String members = m.provenance().get(polyak.train.Ensemble.MEMBERS_KEY);
    if (members != null) {
      out.println(
          "ensemble:     " + members + " members; predicts the mean of their class distributions");
    }
    out.println(
        "parameters:   "
            + m.paramCount()
            + " (+ "
            + m.state().length
            + " non-trainable state values)"
            + (members == null ? "" : ", all members together"));
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
