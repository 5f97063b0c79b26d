package polyak.spark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The app jar holds polyak and its relocated dependencies, and nothing Spark provides. */
class AppJarIT {
  @Test
  void shadedRelocatedAndWithoutSpark() throws IOException {
    Deploy.assumePackaged();
    List<String> entries = new ArrayList<>();
    Attributes manifest;
    try (JarFile jar = new JarFile(Deploy.appJar().toFile())) {
      Collections.list(jar.entries()).forEach(e -> entries.add(e.getName()));
      manifest = jar.getManifest().getMainAttributes();
    }
    assertEquals("polyak.spark.cli.PolyakCli", manifest.getValue("Main-Class"));
    assertEquals(
        System.getProperty("polyak.version", "0.1.0-SNAPSHOT"),
        manifest.getValue("Implementation-Version"));
    for (String must :
        List.of(
            "polyak/spark/cli/PolyakCli.class",
            "polyak/spark/PolyakKryoRegistrator.class",
            "polyak/nn/Network.class",
            "polyak-defaults.conf",
            "polyak-log4j2.properties",
            "polyak/shaded/org/ejml/data/DMatrixRMaj.class",
            "polyak/shaded/com/typesafe/config/Config.class",
            "polyak/shaded/picocli/CommandLine.class")) {
      assertTrue(entries.contains(must), "missing " + must);
    }
    for (String e : entries) {
      boolean ours =
          e.startsWith("polyak/")
              || e.startsWith("META-INF/")
              || e.equals("polyak-defaults.conf")
              || e.equals("polyak-log4j2.properties")
              || e.equals("reference.conf");
      assertTrue(ours, "unexpected entry (unrelocated or provided by Spark): " + e);
    }
  }
}
