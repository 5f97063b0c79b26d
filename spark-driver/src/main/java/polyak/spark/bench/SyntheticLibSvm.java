package polyak.spark.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a synthetic classification set as LibSVM text files on the local file system, for the
 * data-at-scale benchmarks and tests: {@code rows} rows of {@code features} features, each present
 * with probability {@code density} (1: every feature, a dense set), values N(0, 1) rounded to 3
 * decimals, and the label the argmax of a fixed random linear teacher over {@code classes} classes
 * (so training learns). Deterministic in the seed (row r from its own generator); file f holds rows
 * [f·rows/files, (f+1)·rows/files).
 */
public final class SyntheticLibSvm {
  private SyntheticLibSvm() {}

  /**
   * The next present feature after {@code j}: each is present with probability {@code density},
   * drawn as a geometric gap (one draw per non-zero, not one per feature, so a 100k-wide sparse set
   * is written in time proportional to its non-zeros).
   */
  private static int next(SplittableRandom rng, int j, double density) {
    if (density >= 1) {
      return j + 1;
    }
    double gap = Math.floor(Math.log1p(-rng.nextDouble()) / Math.log1p(-density));
    return gap >= Integer.MAX_VALUE - 1 - j ? Integer.MAX_VALUE : j + 1 + (int) gap;
  }

  /** The shape of a generated set. */
  public record Shape(long rows, int features, double density, int classes, int files, long seed) {
    public Shape {
      if (rows < 1 || features < 1 || classes < 2 || files < 1 || files > rows) {
        throw new IllegalArgumentException("bad synthetic shape " + this);
      }
      if (!(density > 0 && density <= 1)) {
        throw new IllegalArgumentException("density must be in (0, 1], got " + density);
      }
    }
  }

  /**
   * Writes {@code shape} into {@code dir} (created; must not hold part files already) as {@code
   * part-00000.libsvm}, ...; returns the files in order.
   */
  public static List<Path> write(Path dir, Shape shape) throws IOException {
    Files.createDirectories(dir);
    double[] teacher = new double[shape.features() * shape.classes()];
    SplittableRandom t = new SplittableRandom(shape.seed());
    for (int i = 0; i < teacher.length; i++) {
      teacher[i] = t.nextGaussian();
    }
    List<Path> out = new ArrayList<>();
    double[] score = new double[shape.classes()];
    StringBuilder line = new StringBuilder();
    for (int f = 0; f < shape.files(); f++) {
      long from = shape.rows() * f / shape.files();
      long to = shape.rows() * (f + 1) / shape.files();
      Path file = dir.resolve(String.format(Locale.ROOT, "part-%05d.libsvm", f));
      if (Files.exists(file)) {
        throw new IOException(file + ": already exists; not overwriting it");
      }
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (long r = from; r < to; r++) {
          SplittableRandom rng = new SplittableRandom(shape.seed() * 1_000_003L + r);
          java.util.Arrays.fill(score, 0);
          line.setLength(0);
          for (int j = next(rng, -1, shape.density());
              j < shape.features();
              j = next(rng, j, shape.density())) {
            double v = Math.round(rng.nextGaussian() * 1000) / 1000.0;
            if (v == 0) {
              continue;
            }
            line.append(' ').append(j + 1).append(':').append(v);
            for (int c = 0; c < score.length; c++) {
              score[c] += v * teacher[j * score.length + c];
            }
          }
          int label = 0;
          for (int c = 1; c < score.length; c++) {
            if (score[c] > score[label]) {
              label = c;
            }
          }
          w.write(Integer.toString(label));
          w.append(line).append('\n');
        }
      }
      out.add(file);
    }
    return out;
  }
}
