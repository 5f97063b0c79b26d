package polyak.spark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import polyak.io.ModelFile;
import polyak.spark.cli.PolyakCli;
import polyak.spark.metrics.MetricsFile;
import polyak.spark.metrics.StepLine;

/**
 * polyak on HDFS (a MiniDFSCluster: a NameNode and a DataNode in this JVM): training data read from
 * {@code hdfs://}, metrics, checkpoints and the model written there, and a run resumed from its
 * HDFS checkpoint ending bit-identical to an uninterrupted one. Spark runs in local mode; the file
 * system is what is under test.
 */
@Tag("slow")
class HdfsTrainResumeTest {
  static final java.nio.file.Path BASE = Deploy.TARGET.resolve("deploy-hdfs");
  static final String[] FILES = {
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz"
  };

  static MiniDFSCluster dfs;
  static FileSystem fs;
  static String hdfs;

  @BeforeAll
  static void startHdfs() throws IOException {
    assumeTrue(
        Deploy.fashionMnistInstalled(),
        "Fashion-MNIST is not installed in " + Deploy.FASHION_MNIST);
    StandaloneClusterIT.deleteRecursively(BASE);
    Configuration conf = new Configuration();
    dfs = new MiniDFSCluster.Builder(conf, BASE.toFile()).numDataNodes(1).build();
    dfs.waitActive();
    fs = dfs.getFileSystem();
    hdfs = "hdfs://localhost:" + dfs.getNameNodePort();
    for (String f : FILES) {
      fs.copyFromLocalFile(
          new Path(Deploy.FASHION_MNIST.resolve(f).toUri()), new Path("/data/fashion-mnist/" + f));
    }
  }

  @AfterAll
  static void stopHdfs() {
    if (dfs != null) {
      dfs.shutdown(true);
    }
  }

  /**
   * 1000 rows from HDFS in 3 partitions, batch 100 (10 iterations per epoch); checkpoints every 6.
   */
  static List<String> train(String outputDir, int maxIterations) {
    String data = hdfs + "/data/fashion-mnist/";
    return new ArrayList<>(
        List.of(
            "train",
            "--master",
            "local[2]",
            "data.train.images=\"" + data + FILES[0] + "\"",
            "data.train.labels=\"" + data + FILES[1] + "\"",
            "data.test.images=\"" + data + FILES[2] + "\"",
            "data.test.labels=\"" + data + FILES[3] + "\"",
            "data.train.limit=1000",
            "data.test.limit=200",
            "data.partitions=3",
            "network.layers=[\"dense 32\", relu, \"dense 10\"]",
            "training.batch_size=100",
            "training.seed=11",
            "training.max_iterations=" + maxIterations,
            "checkpoint.every=6",
            "output.dir=\"" + outputDir + "\""));
  }

  @Test
  void trainsFromHdfsAndResumesFromAnHdfsCheckpointBitIdentically() throws IOException {
    String full = hdfs + "/runs/full";
    assertEquals(0, PolyakCli.execute(train(full, 24).toArray(String[]::new)));
    assertTrue(fs.exists(new Path(full + "/model.polyak")));
    assertEquals(24, steps(full + "/metrics.jsonl").size());
    assertFalse(listCheckpoints(full).isEmpty(), "no checkpoints on HDFS");

    // A run that stops at 15 with checkpoints at 12 and 15 (keep = 2); deleting the one at 15
    // leaves
    // what a crash in iteration 13-15 leaves behind: the newest whole checkpoint is iteration 12.
    String cut = hdfs + "/runs/cut";
    assertEquals(0, PolyakCli.execute(train(cut, 15).toArray(String[]::new)));
    List<String> ckpts = listCheckpoints(cut);
    assertEquals(List.of("ckpt-000000000012.polyak", "ckpt-000000000015.polyak"), ckpts);
    assertTrue(fs.delete(new Path(cut + "/checkpoints/ckpt-000000000015.polyak"), false));
    fs.delete(new Path(cut + "/model.polyak"), false);

    assertEquals(
        0,
        PolyakCli.execute(
            "train",
            "--master",
            "local[2]",
            "--resume",
            cut + "/checkpoints",
            "training.max_iterations=24"));
    List<Long> steps = steps(cut + "/metrics.jsonl");
    assertEquals(24, steps.size(), "metrics of the resumed run: " + steps);
    for (int i = 0; i < steps.size(); i++) {
      assertEquals(i + 1, steps.get(i), "metrics.jsonl steps " + steps);
    }
    StandaloneClusterIT.assertBitIdentical(
        params(full + "/model.polyak"), params(cut + "/model.polyak"));
  }

  static double[] params(String model) throws IOException {
    try (InputStream in = fs.open(new Path(model))) {
      return ModelFile.read(in, model).params();
    }
  }

  static List<String> listCheckpoints(String runDir) throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(new Path(runDir + "/checkpoints"))) {
      if (s.getPath().getName().startsWith("ckpt-")) {
        names.add(s.getPath().getName());
      }
    }
    names.sort(null);
    return names;
  }

  static List<Long> steps(String metrics) throws IOException {
    Path file = new Path(metrics);
    return MetricsFile.read(file.getParent().toString(), fs.getConf()).steps().stream()
        .map(StepLine::step)
        .toList();
  }
}
