package polyak.spark.data;

import java.io.Serializable;

/**
 * What one partition reads of an IDX images/labels pair: rows [firstRow, firstRow + rows) of files
 * holding {@code fileRows} records each.
 */
final class IdxSlice implements Serializable {
  private static final long serialVersionUID = 1L;

  final int partition;
  final String images;
  final String labels;
  final long firstRow;
  final int rows;
  final long fileRows;

  IdxSlice(int partition, String images, String labels, long firstRow, int rows, long fileRows) {
    this.partition = partition;
    this.images = images;
    this.labels = labels;
    this.firstRow = firstRow;
    this.rows = rows;
    this.fileRows = fileRows;
  }
}
