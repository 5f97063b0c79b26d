package polyak.spark.run;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import polyak.io.ModelFile;
import polyak.io.ModelFormatException;
import polyak.io.SavedModel;
import polyak.nn.Network;
import polyak.train.Ensemble;

/**
 * Reads a model file from any Hadoop file system and checks it fits the network its spec builds:
 * one model, or an ensemble's members (provenance {@code ensemble.members}), which every inference
 * path takes as it takes one model ({@code polyak.nn.Inference}).
 */
public final class ModelLoader {
  private ModelLoader() {}

  public static SavedModel load(String file, Configuration conf) throws IOException {
    Path path = new Path(file);
    SavedModel model;
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      model = ModelFile.read(in, file);
    }
    if (model.provenance().containsKey(Ensemble.MEMBERS_KEY)) {
      Ensemble.fromSavedModel(model, file); // checks the members' vectors fit the spec
      return model;
    }
    Network network = Network.build(model.spec());
    if (model.paramCount() != network.parameterCount()
        || model.state().length != network.stateSize()) {
      throw new ModelFormatException(
          file,
          "holds "
              + model.paramCount()
              + " parameters and "
              + model.state().length
              + " state values, but its network spec needs "
              + network.parameterCount()
              + " and "
              + network.stateSize());
    }
    return model;
  }
}
