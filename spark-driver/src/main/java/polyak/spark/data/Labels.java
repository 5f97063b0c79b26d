package polyak.spark.data;

import polyak.data.DataException;

/** Class-label checks shared by the readers; {@code where} names the file and row. */
final class Labels {
  private Labels() {}

  static int label(double value, int classes, String where) {
    if (value != Math.rint(value) || Double.isInfinite(value)) {
      throw new DataException(where + ": label " + value + " is not an integer");
    }
    if (value < 0 || value >= classes) {
      throw new DataException(where + ": label " + (long) value + " outside [0, " + classes + ")");
    }
    return (int) value;
  }

  static int label(String text, int classes, String where) {
    double value;
    try {
      value = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new DataException(where + ": label '" + text + "' is not a number");
    }
    return label(value, classes, where);
  }
}
