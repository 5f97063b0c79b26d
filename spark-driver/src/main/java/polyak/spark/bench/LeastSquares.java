package polyak.spark.bench;

/**
 * Ordinary least squares through the normal equations (a handful of features), Gaussian
 * elimination.
 */
final class LeastSquares {
  private LeastSquares() {}

  /** The g minimising Σ (x_i·g − y_i)²; features are scaled to unit RMS first for conditioning. */
  static double[] solve(double[][] x, double[] y) {
    int m = x[0].length;
    double[] scale = new double[m];
    for (double[] row : x) {
      for (int j = 0; j < m; j++) {
        scale[j] += row[j] * row[j];
      }
    }
    for (int j = 0; j < m; j++) {
      scale[j] = scale[j] == 0 ? 1 : Math.sqrt(scale[j] / x.length);
    }
    double[][] a = new double[m][m + 1];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < m; j++) {
        double xj = x[i][j] / scale[j];
        for (int k = 0; k < m; k++) {
          a[j][k] += xj * x[i][k] / scale[k];
        }
        a[j][m] += xj * y[i];
      }
    }
    for (int col = 0; col < m; col++) {
      int pivot = col;
      for (int r = col + 1; r < m; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] tmp = a[col];
      a[col] = a[pivot];
      a[pivot] = tmp;
      if (Math.abs(a[col][col]) < 1e-12) {
        continue;
      }
      for (int r = 0; r < m; r++) {
        if (r != col) {
          double f = a[r][col] / a[col][col];
          for (int k = col; k <= m; k++) {
            a[r][k] -= f * a[col][k];
          }
        }
      }
    }
    double[] g = new double[m];
    for (int j = 0; j < m; j++) {
      g[j] = Math.abs(a[j][j]) < 1e-12 ? 0 : a[j][m] / a[j][j] / scale[j];
    }
    return g;
  }

  /** Coefficient of determination of the fit g. */
  static double r2(double[][] x, double[] y, double[] g) {
    double mean = 0;
    for (double v : y) {
      mean += v / y.length;
    }
    double ssRes = 0;
    double ssTot = 0;
    for (int i = 0; i < y.length; i++) {
      double p = 0;
      for (int j = 0; j < g.length; j++) {
        p += x[i][j] * g[j];
      }
      ssRes += (y[i] - p) * (y[i] - p);
      ssTot += (y[i] - mean) * (y[i] - mean);
    }
    return ssTot == 0 ? 1 : 1 - ssRes / ssTot;
  }
}
