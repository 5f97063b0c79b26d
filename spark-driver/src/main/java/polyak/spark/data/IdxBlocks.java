package polyak.spark.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import polyak.data.DataException;
import polyak.data.Dataset;

/**
 * IDX images + labels as P blocks. The driver reads only the two headers; each task opens the files
 * through the Hadoop file system, skips to its row range and decodes just that range, so no data
 * travels from the driver with the tasks.
 */
final class IdxBlocks {
  private IdxBlocks() {}

  /** Header facts the driver checks before any task runs. */
  record Shape(String images, String labels, long rows, int width) {}

  static Shape shape(Configuration conf, DataSource source) {
    String images = HadoopFiles.single(conf, source.paths().get(0));
    String labels = HadoopFiles.single(conf, source.paths().get(1));
    int[] imageDims;
    int[] labelDims;
    try (IdxFile i = open(conf, images);
        IdxFile l = open(conf, labels)) {
      imageDims = i.dims();
      labelDims = l.dims();
      if (imageDims.length < 2) {
        throw new DataException(
            images
                + ": an images file needs at least 2 dimensions, got "
                + Arrays.toString(imageDims));
      }
      if (labelDims.length != 1) {
        throw new DataException(
            labels + ": a labels file has 1 dimension, got " + Arrays.toString(labelDims));
      }
      if (imageDims[0] != labelDims[0]) {
        throw new DataException(
            images
                + " has "
                + imageDims[0]
                + " images but "
                + labels
                + " has "
                + labelDims[0]
                + " labels");
      }
      if (i.count() == 0) {
        throw new DataException(images + ": no rows (the IDX header declares 0 records)");
      }
      return new Shape(images, labels, i.count(), i.recordSize());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read IDX headers of " + images + ", " + labels + ": " + e.getMessage(), e);
    }
  }

  static JavaRDD<IdxPart> blocks(
      JavaSparkContext sc,
      Broadcast<SerializableConfiguration> conf,
      Shape shape,
      long rows,
      int partitions,
      int classes,
      String name) {
    long perPartition = (rows + partitions - 1) / partitions;
    if (perPartition * shape.width() > polyak.spec.NetworkSpec.MAX_PARAMETERS) {
      throw new DataException(
          shape.images()
              + ": "
              + rows
              + " records of "
              + shape.width()
              + " values make "
              + partitions
              + " partitions of "
              + perPartition * shape.width()
              + " values each, more than one array holds"
              + " ("
              + polyak.spec.NetworkSpec.MAX_PARAMETERS
              + "); raise data.partitions or set a limit");
    }
    List<IdxSlice> slices = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      long from = Partitioning.start(p, rows, partitions);
      long to = Partitioning.start(p + 1, rows, partitions);
      slices.add(
          new IdxSlice(p, shape.images(), shape.labels(), from, (int) (to - from), shape.rows()));
    }
    int width = shape.width();
    return sc.parallelize(slices, partitions)
        .map(
            slice -> {
              try {
                return new IdxPart(read(conf.value().value(), slice, width, classes, name), null);
              } catch (DataException e) {
                return new IdxPart(null, e.getMessage());
              }
            });
  }

  private static Dataset read(
      Configuration conf, IdxSlice slice, int width, int classes, String name) throws IOException {
    byte[] pixels = new byte[Math.multiplyExact(slice.rows, width)];
    byte[] labelBytes = new byte[slice.rows];
    boolean last = slice.firstRow + slice.rows == slice.fileRows;
    try (IdxFile images = open(conf, slice.images)) {
      images.skipRecords(slice.firstRow);
      images.readRecords(pixels);
      if (last) {
        images.requireEnd();
      }
    }
    try (IdxFile labels = open(conf, slice.labels)) {
      labels.skipRecords(slice.firstRow);
      labels.readRecords(labelBytes);
      if (last) {
        labels.requireEnd();
      }
    }
    double[] features = new double[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      features[i] = pixels[i] & 0xff;
    }
    int[] labels = new int[slice.rows];
    for (int r = 0; r < slice.rows; r++) {
      int label = labelBytes[r] & 0xff;
      labels[r] =
          label < classes
              ? label
              : Labels.label(label, classes, slice.labels + ": row " + (slice.firstRow + r + 1));
    }
    return Dataset.classification(
        name + " partition " + slice.partition, width, features, labels, classes, slice.firstRow);
  }

  private static IdxFile open(Configuration conf, String file) throws IOException {
    Path path = new Path(file);
    return IdxFile.open(path.getFileSystem(conf).open(path), file);
  }
}
