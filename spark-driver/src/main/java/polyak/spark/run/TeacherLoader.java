package polyak.spark.run;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import polyak.data.Preprocessor;
import polyak.io.SavedModel;
import polyak.spark.config.ConfigError;
import polyak.spark.config.DistillationConfig;
import polyak.spec.NetworkSpec;
import polyak.train.Teacher;

/**
 * Loads {@code distillation.teacher} and checks it can teach this run's network on this run's
 * inputs.
 */
public final class TeacherLoader {
  private TeacherLoader() {}

  /** The teacher, or null when distillation is off. */
  public static Teacher load(
      DistillationConfig config,
      NetworkSpec student,
      Preprocessor preprocessing,
      Configuration hadoop)
      throws IOException {
    if (!config.active()) {
      return null;
    }
    SavedModel model = ModelLoader.load(config.teacher(), hadoop);
    // an ensemble's file holds its members' vectors one after another: Distillation teaches the
    // mean of their distributions (ModelLoader has checked the sizes)
    Preprocessor theirs = model.preprocessor().orElse(null);
    if (!Arrays.equals(bytes(theirs), bytes(preprocessing))) {
      throw new ConfigError(
          "distillation.teacher: "
              + config.teacher()
              + " was trained on inputs preprocessed by "
              + (theirs == null ? "nothing" : theirs)
              + ", this run's are preprocessed by "
              + (preprocessing == null ? "nothing" : preprocessing)
              + "; the teacher sees this run's inputs");
    }
    try {
      Teacher teacher =
          new Teacher(
              model.spec(), model.params(), model.state(), config.alpha(), config.temperature());
      teacher.checkFits(student);
      return teacher;
    } catch (IllegalArgumentException e) {
      throw new ConfigError(e.getMessage(), e);
    }
  }

  private static byte[] bytes(Preprocessor p) throws IOException {
    if (p == null) {
      return new byte[0];
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    p.write(new DataOutputStream(b));
    return b.toByteArray();
  }
}
