package polyak.spark.run;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import polyak.io.ModelFormatException;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.nn.Network;

/** Reads a model file from any Hadoop file system and checks it fits the network its spec builds. */
public final class ModelLoader {
  private ModelLoader() {}

  public static SavedModel load(String file, Configuration conf) throws IOException {
    Path path = new Path(file);
    SavedModel model;
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      model = ModelFile.read(in, file);
    }
    Network network = Network.build(model.spec());
    if (model.paramCount() != network.parameterCount() || model.state().length != network.stateSize()) {
      throw new ModelFormatException(file, "holds " + model.paramCount() + " parameters and " + model.state().length
          + " state values, but its network spec needs " + network.parameterCount() + " and " + network.stateSize());
    }
    return model;
  }
}
