package polyak.spark.run;

import java.util.Locale;

/**
 * Inference results over a data set: loss sum, example count and the confusion matrix ({@code
 * confusion[truth * classes + predicted]}). Partition results add up.
 */
public record EvaluationCounts(double lossSum, long count, int classes, long[] confusion) {

  public static EvaluationCounts empty(int classes) {
    return new EvaluationCounts(0, 0, classes, new long[classes * classes]);
  }

  public EvaluationCounts plus(EvaluationCounts o) {
    long[] c = confusion.clone();
    for (int i = 0; i < c.length; i++) {
      c[i] += o.confusion[i];
    }
    return new EvaluationCounts(lossSum + o.lossSum, count + o.count, classes, c);
  }

  public long correct() {
    long sum = 0;
    for (int k = 0; k < classes; k++) {
      sum += confusion[k * classes + k];
    }
    return sum;
  }

  public double accuracy() {
    return count == 0 ? Double.NaN : (double) correct() / count;
  }

  public double meanLoss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }

  /** The confusion matrix as a table: rows are true classes, columns predicted classes. */
  public String table() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%8s", "true\\pred"));
    for (int k = 0; k < classes; k++) {
      sb.append(String.format(Locale.ROOT, "%7d", k));
    }
    sb.append(String.format(Locale.ROOT, "%9s%n", "recall"));
    for (int t = 0; t < classes; t++) {
      sb.append(String.format(Locale.ROOT, "%8d ", t));
      long row = 0;
      for (int p = 0; p < classes; p++) {
        sb.append(String.format(Locale.ROOT, "%7d", confusion[t * classes + p]));
        row += confusion[t * classes + p];
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "%9.4f%n",
              row == 0 ? Double.NaN : (double) confusion[t * classes + t] / row));
    }
    return sb.toString();
  }
}
