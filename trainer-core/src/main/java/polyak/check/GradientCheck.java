package polyak.check;

import java.util.ArrayList;
import java.util.List;
import polyak.data.Dataset;
import polyak.nn.Network;
import polyak.nn.ParameterSegment;

/**
 * Compares the network's analytic gradient with centered differences (f(θ+h) − f(θ−h)) / 2h of the
 * mean training loss, in double precision, for every parameter. The relative error of a parameter
 * is |a − n| / max(|a|, |n|, floor · max(1, |L|)) with L the mean loss at θ: the floor keeps
 * parameters whose true gradient is zero, or within round-off of it, from reporting noise as error.
 * A centered difference of step h carries round-off of a few ε·|L|/h (≈ 1e-11·|L| at h = 1e-5), so
 * the default floor 1e-4 is set where that round-off is 1e-7 of the floor: a gradient below
 * floor·max(1, |L|) is checked to an absolute error of (tolerance · floor · max(1, |L|)) instead of
 * a relative one it cannot resolve. Dropout masks are fixed by using the same pass seed for every
 * evaluation.
 */
public final class GradientCheck {
  private final double step;
  private final double floor;

  public GradientCheck(double step, double floor) {
    this.step = step;
    this.floor = floor;
  }

  public GradientCheck() {
    this(1e-5, 1e-4);
  }

  /** The worst relative error in one parameter segment, and where. */
  public record SegmentError(
      ParameterSegment segment,
      double maxRelativeError,
      int worstIndex,
      double analytic,
      double numeric) {}

  /** Per-segment results, in layout order. */
  public record Report(List<SegmentError> segments) {
    public double maxRelativeError() {
      double m = 0;
      for (SegmentError s : segments) {
        m = Math.max(m, s.maxRelativeError());
      }
      return m;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      for (SegmentError s : segments) {
        sb.append(
            String.format(
                "%-16s %-10s max rel err %.3e at %d (analytic %.6e, numeric %.6e)%n",
                s.segment().name(),
                s.segment().kind(),
                s.maxRelativeError(),
                s.worstIndex(),
                s.analytic(),
                s.numeric()));
      }
      return sb.toString();
    }
  }

  /** Checks every parameter on all rows of {@code data}; {@code params} is restored afterwards. */
  public Report check(
      Network network, double[] params, double[] state, Dataset data, long passSeed) {
    int n = data.rows();
    double[] analytic = new double[params.length];
    double loss =
        network.gradient(params, state, data, null, 0, n, passSeed, analytic, null).meanLoss();
    double scaledFloor = floor * Math.max(1.0, Math.abs(loss));
    for (int i = 0; i < analytic.length; i++) {
      analytic[i] /= n;
    }
    double[] scratch = new double[params.length];
    List<SegmentError> out = new ArrayList<>();
    for (ParameterSegment seg : network.layout().segments()) {
      double worst = 0;
      int worstAt = seg.offset();
      double worstA = 0;
      double worstN = 0;
      for (int i = seg.offset(); i < seg.end(); i++) {
        double saved = params[i];
        params[i] = saved + step;
        double plus = meanLoss(network, params, state, data, passSeed, scratch);
        params[i] = saved - step;
        double minus = meanLoss(network, params, state, data, passSeed, scratch);
        params[i] = saved;
        double numeric = (plus - minus) / (2 * step);
        double a = analytic[i];
        double err =
            Math.abs(a - numeric) / Math.max(scaledFloor, Math.max(Math.abs(a), Math.abs(numeric)));
        if (err > worst || i == seg.offset()) {
          worst = Math.max(worst, err);
          worstAt = i;
          worstA = a;
          worstN = numeric;
        }
      }
      out.add(new SegmentError(seg, worst, worstAt - seg.offset(), worstA, worstN));
    }
    return new Report(out);
  }

  /**
   * The worst relative error over the input elements, and where (row-major index into the rows).
   */
  public record InputError(
      double maxRelativeError, int worstIndex, double analytic, double numeric) {}

  /**
   * Checks d(mean loss)/d(input) from {@link Network#gradient}'s input gradient against centered
   * differences in every input element of every row of {@code data}, with the same error rule.
   */
  public InputError checkInput(
      Network network, double[] params, double[] state, Dataset data, long passSeed) {
    int n = data.rows();
    int size = n * data.width();
    double[] analytic = new double[size];
    double[] scratch = new double[params.length];
    double loss =
        network
            .gradient(params, state, data, null, 0, n, passSeed, scratch, null, null, analytic)
            .meanLoss();
    double scaledFloor = floor * Math.max(1.0, Math.abs(loss));
    double[] shift = new double[size];
    double worst = 0;
    int worstAt = 0;
    double worstA = 0;
    double worstN = 0;
    for (int i = 0; i < size; i++) {
      shift[i] = step;
      double plus =
          network
              .gradient(params, state, data, null, 0, n, passSeed, scratch, null, shift, null)
              .meanLoss();
      shift[i] = -step;
      double minus =
          network
              .gradient(params, state, data, null, 0, n, passSeed, scratch, null, shift, null)
              .meanLoss();
      shift[i] = 0;
      double numeric = (plus - minus) / (2 * step);
      double a = analytic[i] / n;
      double err =
          Math.abs(a - numeric) / Math.max(scaledFloor, Math.max(Math.abs(a), Math.abs(numeric)));
      if (err > worst || i == 0) {
        worst = Math.max(worst, err);
        worstAt = i;
        worstA = a;
        worstN = numeric;
      }
    }
    return new InputError(worst, worstAt, worstA, worstN);
  }

  private static double meanLoss(
      Network network, double[] params, double[] state, Dataset data, long seed, double[] scratch) {
    // Training-mode loss (batch statistics, the fixed dropout mask); the gradient output is
    // discarded.
    return network
        .gradient(params, state, data, null, 0, data.rows(), seed, scratch, null)
        .meanLoss();
  }
}
