package polyak.spark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyak.data.PixelScaling;
import polyak.io.ModelFile;
import polyak.io.SavedModel;
import polyak.nn.Network;
import polyak.spark.config.ConfigError;
import polyak.spark.config.DistillationConfig;
import polyak.spec.NetworkSpec;
import polyak.spec.SpecParser;
import polyak.train.Teacher;

/**
 * The teacher must see inputs preprocessed as it was trained, and map them to the student's
 * classes.
 */
class TeacherLoaderTest {
  static final NetworkSpec TEACHER =
      SpecParser.network("t", "input 6\ndense 9\nrelu\ndense 3\nloss softmax_ce");
  static final NetworkSpec STUDENT = SpecParser.network("s", "input 6\ndense 3\nloss softmax_ce");

  @TempDir Path dir;

  @Test
  void loadsAMatchingTeacherAndRefusesMismatches() throws Exception {
    Network t = Network.build(TEACHER);
    double[] p = new double[t.parameterCount()];
    t.initialise(1, p, new double[0]);
    Path file = dir.resolve("teacher.polyak");
    ModelFile.save(
        new SavedModel(TEACHER, p, new double[0], PixelScaling.INSTANCE, Map.of()), file);
    Configuration hadoop = new Configuration();

    assertNull(TeacherLoader.load(DistillationConfig.NONE, STUDENT, PixelScaling.INSTANCE, hadoop));
    Teacher teacher =
        TeacherLoader.load(
            new DistillationConfig(file.toString(), 0.25, 2),
            STUDENT,
            PixelScaling.INSTANCE,
            hadoop);
    assertEquals(0.25, teacher.alpha());
    assertEquals(TEACHER, teacher.spec());

    ConfigError other =
        assertThrows(
            ConfigError.class,
            () ->
                TeacherLoader.load(
                    new DistillationConfig(file.toString(), 0.25, 2), STUDENT, null, hadoop));
    assertTrue(
        other.getMessage().startsWith("distillation.teacher: ")
            && other.getMessage().contains("pixel"),
        other.getMessage());
    NetworkSpec fourClasses = SpecParser.network("s", "input 6\ndense 4\nloss softmax_ce");
    ConfigError classes =
        assertThrows(
            ConfigError.class,
            () ->
                TeacherLoader.load(
                    new DistillationConfig(file.toString(), 0.25, 2),
                    fourClasses,
                    PixelScaling.INSTANCE,
                    hadoop));
    assertTrue(classes.getMessage().contains("3 outputs"), classes.getMessage());
  }

  /** An ensemble's model file loads as a teacher holding every member's parameters. */
  @Test
  void loadsAnEnsembleTeacher() throws Exception {
    Network t = Network.build(TEACHER);
    double[][] members = new double[2][t.parameterCount()];
    t.initialise(1, members[0], new double[0]);
    t.initialise(2, members[1], new double[0]);
    Path file = dir.resolve("ensemble.polyak");
    ModelFile.save(
        new polyak.train.Ensemble(TEACHER, members, new double[2][0])
            .toSavedModel(PixelScaling.INSTANCE, Map.of()),
        file);
    Teacher teacher =
        TeacherLoader.load(
            new DistillationConfig(file.toString(), 0.25, 2),
            STUDENT,
            PixelScaling.INSTANCE,
            new Configuration());
    assertEquals(2 * t.parameterCount(), teacher.params().length);
    assertEquals(members[1][0], teacher.params()[t.parameterCount()]);
  }
}
