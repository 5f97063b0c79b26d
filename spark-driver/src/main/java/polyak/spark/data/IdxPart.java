package polyak.spark.data;

import java.io.Serializable;
import polyak.data.Dataset;

/**
 * One partition of IDX data as its task decoded it: the block, or the data fault (truncated body,
 * label out of range) that stopped it — returned as a value so the task succeeds and Spark neither
 * logs a task failure nor retries; the driver raises it (see {@link TrainingData}).
 */
final class IdxPart implements Serializable {
  private static final long serialVersionUID = 1L;

  final Dataset data;
  final String fault;

  IdxPart(Dataset data, String fault) {
    this.data = data;
    this.fault = fault;
  }
}
