package polyak.spark.data;

import polyak.data.DataException;

/** A delimited line: one label column, every other column a feature. No quoting. */
final class CsvLineParser implements LineParser {
  private static final long serialVersionUID = 1L;

  private final int labelColumn;
  private final char delimiter;
  private final int classes;

  CsvLineParser(int labelColumn, char delimiter, int classes) {
    this.labelColumn = labelColumn;
    this.delimiter = delimiter;
    this.classes = classes;
  }

  @Override
  public void parse(String line, String where, BlockBuilder out) {
    int columns = 1;
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == delimiter) {
        columns++;
      }
    }
    if (out.width() < 0 && (columns < 2 || labelColumn >= columns)) {
      throw new DataException(
          where
              + ": "
              + columns
              + " column"
              + (columns == 1 ? "" : "s")
              + ", but the label is column "
              + (labelColumn + 1)
              + " and at least one feature column must follow");
    }
    if (out.width() >= 0 && columns != out.width() + 1) {
      throw new DataException(
          where
              + " has "
              + columns
              + " columns, expected "
              + (out.width() + 1)
              + " as in "
              + out.firstRow());
    }
    double[] features = out.reserve(columns - 1, where);
    int at = out.rowOffset();
    double label = 0;
    int from = 0;
    for (int c = 0; c < columns; c++) {
      int to = line.indexOf(delimiter, from);
      if (to < 0) {
        to = line.length();
      }
      String cell = line.substring(from, to);
      if (c == labelColumn) {
        label = Labels.target(cell, classes, where + ", column " + (c + 1));
      } else {
        double v = parse(cell, where, c);
        if (!Double.isFinite(v)) {
          throw new DataException(
              where + ", column " + (c + 1) + ": value " + cell.strip() + " is not finite");
        }
        features[at++] = v;
      }
      from = to + 1;
    }
    out.commit(label);
  }

  private static double parse(String cell, String where, int column) {
    try {
      return Double.parseDouble(cell.strip());
    } catch (NumberFormatException e) {
      throw new DataException(
          where + ", column " + (column + 1) + ": '" + cell + "' is not a number");
    }
  }
}
