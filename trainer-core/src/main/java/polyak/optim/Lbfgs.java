package polyak.optim;

import polyak.optim.MinimizationResult.Termination;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, Alg. 7.4/7.5) with a strong-Wolfe line search (Alg.
 * 3.5/3.6, safeguarded cubic interpolation). Every accepted step satisfies the Armijo condition, so
 * f decreases monotonically. Stops when ‖∇f‖ ≤ gradientTolerance or after maxIterations; pairs with
 * sᵀy ≤ 0 (possible only if the line search gave up on curvature) are skipped, and a non-descent
 * direction resets the history to steepest descent.
 */
public final class Lbfgs implements FullBatchMinimizer {
  private static final double ARMIJO = 1e-4;
  private static final double CURVATURE = 0.9;
  private static final int MAX_LINE_SEARCH_EVALUATIONS = 40;

  private final int historySize;
  private final int maxIterations;
  private final double gradientTolerance;

  public Lbfgs(int historySize, int maxIterations, double gradientTolerance) {
    if (historySize < 1) {
      throw new IllegalArgumentException("lbfgs.history must be >= 1, got " + historySize);
    }
    if (maxIterations < 0) {
      throw new IllegalArgumentException("lbfgs.max_iterations must be >= 0, got " + maxIterations);
    }
    if (!(gradientTolerance >= 0)) {
      throw new IllegalArgumentException(
          "lbfgs.gradient_tolerance must be >= 0, got " + gradientTolerance);
    }
    this.historySize = historySize;
    this.maxIterations = maxIterations;
    this.gradientTolerance = gradientTolerance;
  }

  @Override
  public MinimizationResult minimize(DifferentiableFunction f, double[] theta) {
    return new Run(f, theta).execute();
  }

  /** Per-call workspace, so the minimiser itself stays immutable and re-entrant. */
  private final class Run {
    private final DifferentiableFunction f;
    private final int n;
    private final double[] x;
    private final double[] g;
    private final double[] direction;
    private final double[] xTrial;
    private final double[] gTrial;
    private final double[] xLow;
    private final double[] gLow;
    private final double[][] s;
    private final double[][] y;
    private final double[] rho;
    private final double[] alpha;
    private int stored;
    private int newest = -1;
    private int evaluations;
    private double value;
    // Result of the last line search: the accepted point is left in xTrial/gTrial.
    private double trialValue;

    Run(DifferentiableFunction f, double[] theta) {
      this.f = f;
      this.n = theta.length;
      this.x = theta;
      this.g = new double[n];
      this.direction = new double[n];
      this.xTrial = new double[n];
      this.gTrial = new double[n];
      this.xLow = new double[n];
      this.gLow = new double[n];
      this.s = new double[historySize][n];
      this.y = new double[historySize][n];
      this.rho = new double[historySize];
      this.alpha = new double[historySize];
    }

    MinimizationResult execute() {
      value = evaluate(x, g);
      for (int iteration = 0; ; iteration++) {
        double gradientNorm = Math.sqrt(dot(g, g));
        if (gradientNorm <= gradientTolerance) {
          return new MinimizationResult(
              Termination.GRADIENT_TOLERANCE, iteration, evaluations, value, gradientNorm);
        }
        if (iteration >= maxIterations) {
          return new MinimizationResult(
              Termination.MAX_ITERATIONS, iteration, evaluations, value, gradientNorm);
        }
        computeDirection();
        double slope = dot(direction, g);
        if (!(slope < 0)) {
          stored = 0;
          computeDirection();
          slope = dot(direction, g);
        }
        double firstStep = stored == 0 ? Math.min(1.0, 1.0 / gradientNorm) : 1.0;
        if (!lineSearch(slope, firstStep)) {
          if (stored == 0) {
            return new MinimizationResult(
                Termination.LINE_SEARCH_FAILED, iteration, evaluations, value, gradientNorm);
          }
          stored = 0;
          iteration--; // retry this iteration along steepest descent
          continue;
        }
        remember();
        System.arraycopy(xTrial, 0, x, 0, n);
        System.arraycopy(gTrial, 0, g, 0, n);
        value = trialValue;
      }
    }

    /** direction = −H·g by the two-loop recursion over the stored pairs (newest first). */
    private void computeDirection() {
      for (int i = 0; i < n; i++) {
        direction[i] = -g[i];
      }
      for (int k = 0; k < stored; k++) {
        int j = Math.floorMod(newest - k, historySize);
        alpha[j] = rho[j] * dot(s[j], direction);
        axpy(-alpha[j], y[j], direction);
      }
      if (stored > 0) {
        // Initial Hessian scaling γ = sᵀy / yᵀy (N&W 7.20).
        double gamma = 1.0 / (rho[newest] * dot(y[newest], y[newest]));
        for (int i = 0; i < n; i++) {
          direction[i] *= gamma;
        }
      }
      for (int k = stored - 1; k >= 0; k--) {
        int j = Math.floorMod(newest - k, historySize);
        double beta = rho[j] * dot(y[j], direction);
        axpy(alpha[j] - beta, s[j], direction);
      }
    }

    private void remember() {
      int slot = (newest + 1) % historySize;
      double sy = 0;
      for (int i = 0; i < n; i++) {
        s[slot][i] = xTrial[i] - x[i];
        y[slot][i] = gTrial[i] - g[i];
        sy += s[slot][i] * y[slot][i];
      }
      if (sy > 0 && Double.isFinite(sy)) {
        rho[slot] = 1.0 / sy;
        newest = slot;
        stored = Math.min(stored + 1, historySize);
      }
    }

    /**
     * Strong-Wolfe search along {@code direction}; on success the accepted point is in
     * xTrial/gTrial/trialValue. If the evaluation budget runs out, a point satisfying only the
     * Armijo condition (strict decrease) is still accepted; returns false if none was found.
     */
    private boolean lineSearch(double slope0, double firstStep) {
      double value0 = value;
      double previousStep = 0;
      double previousValue = value0;
      double previousSlope = slope0;
      double step = firstStep;
      int budget = MAX_LINE_SEARCH_EVALUATIONS;
      boolean haveLow = false;
      for (int i = 0; budget > 0; i++) {
        double phi = evaluateAt(step);
        budget--;
        double dphi = dot(gTrial, direction);
        if (phi > value0 + ARMIJO * step * slope0
            || !Double.isFinite(phi)
            || (i > 0 && phi >= previousValue)) {
          return zoom(
              previousStep,
              previousValue,
              previousSlope,
              step,
              phi,
              dphi,
              value0,
              slope0,
              budget,
              haveLow);
        }
        if (Math.abs(dphi) <= -CURVATURE * slope0) {
          trialValue = phi;
          return true;
        }
        if (dphi >= 0) {
          keepLow(phi);
          return zoom(
              step,
              phi,
              dphi,
              previousStep,
              previousValue,
              previousSlope,
              value0,
              slope0,
              budget,
              true);
        }
        keepLow(phi);
        haveLow = true;
        previousStep = step;
        previousValue = phi;
        previousSlope = dphi;
        step *= 2;
      }
      return acceptLow(haveLow);
    }

    private boolean zoom(
        double lo,
        double phiLo,
        double dphiLo,
        double hi,
        double phiHi,
        double dphiHi,
        double value0,
        double slope0,
        int budget,
        boolean haveLow) {
      while (budget-- > 0) {
        double step = interpolate(lo, phiLo, dphiLo, hi, phiHi, dphiHi);
        if (step == lo || step == hi) {
          break; // interval collapsed to rounding precision
        }
        double phi = evaluateAt(step);
        double dphi = dot(gTrial, direction);
        if (phi > value0 + ARMIJO * step * slope0 || !Double.isFinite(phi) || phi >= phiLo) {
          hi = step;
          phiHi = phi;
          dphiHi = dphi;
        } else {
          if (Math.abs(dphi) <= -CURVATURE * slope0) {
            trialValue = phi;
            return true;
          }
          if (dphi * (hi - lo) >= 0) {
            hi = lo;
            phiHi = phiLo;
            dphiHi = dphiLo;
          }
          lo = step;
          phiLo = phi;
          dphiLo = dphi;
          keepLow(phi);
          haveLow = true;
        }
      }
      return acceptLow(haveLow);
    }

    /**
     * Minimiser of the cubic through both ends, kept at least 10% inside the interval; else
     * bisection.
     */
    private double interpolate(
        double a, double phiA, double dphiA, double b, double phiB, double dphiB) {
      double d1 = dphiA + dphiB - 3 * (phiA - phiB) / (a - b);
      double radicand = d1 * d1 - dphiA * dphiB;
      double mid = 0.5 * (a + b);
      if (!(radicand >= 0) || !Double.isFinite(phiB)) {
        return mid;
      }
      double d2 = Math.signum(b - a) * Math.sqrt(radicand);
      double step = b - (b - a) * ((dphiB + d2 - d1) / (dphiB - dphiA + 2 * d2));
      double low = Math.min(a, b);
      double high = Math.max(a, b);
      double margin = 0.1 * (high - low);
      if (!(step >= low + margin && step <= high - margin)) {
        return mid;
      }
      return step;
    }

    private double evaluateAt(double step) {
      for (int i = 0; i < n; i++) {
        xTrial[i] = x[i] + step * direction[i];
      }
      return evaluate(xTrial, gTrial);
    }

    private void keepLow(double phi) {
      System.arraycopy(xTrial, 0, xLow, 0, n);
      System.arraycopy(gTrial, 0, gLow, 0, n);
      trialValue = phi;
    }

    /** Falls back to the best Armijo point seen, which strictly decreased f. */
    private boolean acceptLow(boolean haveLow) {
      if (!haveLow || !(trialValue < value)) {
        return false;
      }
      System.arraycopy(xLow, 0, xTrial, 0, n);
      System.arraycopy(gLow, 0, gTrial, 0, n);
      return true;
    }

    private double evaluate(double[] point, double[] gradient) {
      evaluations++;
      return f.valueAndGradient(point, gradient);
    }
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }
}
