package polyak.spark.data;

import polyak.data.DataException;

/** Label checks shared by the readers; {@code where} names the file and row. */
final class Labels {
  private Labels() {}

  /**
   * A row's label as stored in a block: the class index, or for {@code classes} = {@link
   * DataSource#REAL_TARGETS} the real-valued target itself (which must be finite).
   */
  static double target(double value, int classes, String where) {
    if (classes == DataSource.REAL_TARGETS) {
      if (!Double.isFinite(value)) {
        throw new DataException(where + ": target " + value + " is not finite");
      }
      return value;
    }
    return label(value, classes, where);
  }

  static double target(String text, int classes, String where) {
    double value;
    try {
      value = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new DataException(where + ": label '" + text + "' is not a number");
    }
    return target(value, classes, where);
  }

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
