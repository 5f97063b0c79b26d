package polyak.spark.data;

import polyak.data.DataException;

/**
 * A LibSVM line {@code label index:value ...}: 1-based, strictly ascending indices; absent features
 * are 0. Rows are built sparse (only the non-zeros are kept); whether they stay sparse in the
 * training blocks is decided later, from the density of all rows ({@link SparseMode}).
 */
final class LibSvmLineParser implements LineParser {
  private static final long serialVersionUID = 1L;

  private final int features;
  private final int classes;

  LibSvmLineParser(int features, int classes) {
    this.features = features;
    this.classes = classes;
  }

  @Override
  public boolean sparse() {
    return true;
  }

  @Override
  public void parse(String line, String where, BlockBuilder out) {
    int hash = line.indexOf('#');
    String[] tokens = (hash < 0 ? line : line.substring(0, hash)).strip().split("\\s+");
    if (tokens.length == 0 || tokens[0].isEmpty()) {
      throw new DataException(where + ": no label");
    }
    double label = Labels.target(tokens[0], classes, where);
    out.startSparseRow(features, where);
    int previous = 0;
    for (int t = 1; t < tokens.length; t++) {
      String token = tokens[t];
      int colon = token.indexOf(':');
      String column = where + ", column " + (t + 1);
      if (colon <= 0) {
        throw new DataException(column + ": '" + token + "' is not index:value");
      }
      int index;
      double value;
      try {
        index = Integer.parseInt(token.substring(0, colon));
      } catch (NumberFormatException e) {
        throw new DataException(
            column + ": index '" + token.substring(0, colon) + "' is not an integer");
      }
      try {
        value = Double.parseDouble(token.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new DataException(column + ": '" + token.substring(colon + 1) + "' is not a number");
      }
      if (index < 1 || index > features) {
        throw new DataException(
            column + ": feature index " + index + " outside [1, " + features + "]");
      }
      if (index <= previous) {
        throw new DataException(
            column
                + ": feature index "
                + index
                + " does not follow "
                + previous
                + " (indices must ascend)");
      }
      if (!Double.isFinite(value)) {
        throw new DataException(
            column + ": value " + token.substring(colon + 1) + " is not finite");
      }
      out.put(index - 1, value);
      previous = index;
    }
    out.commit(label);
  }
}
