package polyak.spark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every benchmark's one writer: its section of BENCHMARKS.md between its own markers ({@code <!--
 * polyak TAG: begin -->} … {@code <!-- polyak TAG: end -->}), and its raw files.
 */
public final class BenchMarkdown {
  private BenchMarkdown() {}

  /**
   * Replaces the section tagged {@code tag} in {@code file} (appends it when absent); other text
   * stays.
   */
  public static void splice(Path file, String tag, String section) throws IOException {
    String begin = "<!-- polyak " + tag + ": begin -->";
    String end = "<!-- polyak " + tag + ": end -->";
    String block = begin + "\n" + section + (section.endsWith("\n") ? "" : "\n") + end + "\n";
    String text =
        Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n\n";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b >= 0 && e > b) {
      text =
          text.substring(0, b) + block + text.substring(e + end.length()).replaceFirst("^\n", "");
    } else {
      text = text + (text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + block;
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** Writes a raw figures file (CSV, JSON), creating its directory. */
  public static void raw(Path file, CharSequence text) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
