package polyak.spark.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticLibSvmTest {
  @TempDir Path dir;

  @Test
  void sameSeedSameFilesRowsSplitInOrderLabelsAndDensityAsAsked() throws IOException {
    SyntheticLibSvm.Shape shape = new SyntheticLibSvm.Shape(1000, 2000, 0.01, 4, 3, 5);
    List<Path> a = SyntheticLibSvm.write(dir.resolve("a"), shape);
    List<Path> b = SyntheticLibSvm.write(dir.resolve("b"), shape);
    assertEquals(3, a.size());
    long lines = 0;
    long tokens = 0;
    Set<Integer> labels = new HashSet<>();
    for (int f = 0; f < 3; f++) {
      assertArrayEquals(Files.readAllBytes(a.get(f)), Files.readAllBytes(b.get(f)));
      List<String> rows = Files.readAllLines(a.get(f));
      assertEquals(1000 * (f + 1) / 3 - 1000 * f / 3, rows.size());
      for (String row : rows) {
        String[] t = row.split(" ");
        labels.add(Integer.parseInt(t[0]));
        tokens += t.length - 1;
        int previous = 0;
        for (int i = 1; i < t.length; i++) {
          int index = Integer.parseInt(t[i].substring(0, t[i].indexOf(':')));
          assertTrue(index > previous && index <= 2000, row);
          previous = index;
        }
      }
      lines += rows.size();
    }
    assertEquals(1000, lines);
    assertEquals(Set.of(0, 1, 2, 3), labels);
    double density = tokens / (1000.0 * 2000);
    assertTrue(density > 0.008 && density < 0.012, "density " + density);
  }

  @Test
  void anotherSeedAnotherSetAndExistingFilesAreNotOverwritten() throws IOException {
    Path one =
        SyntheticLibSvm.write(dir.resolve("x"), new SyntheticLibSvm.Shape(50, 10, 1, 3, 1, 1))
            .get(0);
    Path two =
        SyntheticLibSvm.write(dir.resolve("y"), new SyntheticLibSvm.Shape(50, 10, 1, 3, 1, 2))
            .get(0);
    assertTrue(!Files.readString(one).equals(Files.readString(two)));
    String before = Files.readString(one);
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                SyntheticLibSvm.write(
                    dir.resolve("x"), new SyntheticLibSvm.Shape(50, 10, 1, 3, 1, 9)));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertEquals(before, Files.readString(one));
  }
}
