package polyak.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import polyak.data.DataException;
import polyak.data.Dataset;
import polyak.nn.kernel.DenseKernels;
import polyak.nn.loss.Loss;
import polyak.spec.Initialiser;
import polyak.spec.LayerSpec;
import polyak.spec.NetworkSpec;
import polyak.util.Seeds;

/**
 * A feed-forward network built from a {@link NetworkSpec}: the layers, the loss and the work
 * buffers of one thread. The parameters are not held here: every call takes the flat parameter
 * vector (and the non-trainable state vector, e.g. batch-norm running statistics), so one network
 * instance can evaluate any broadcast θ. Not thread-safe; build one per task or thread (building is
 * cheap).
 */
public final class Network {
  private final NetworkSpec spec;
  private final List<Layer> layers;
  private final ParameterLayout layout;
  private final int stateSize;
  private final List<int[]> batchNorms;
  private final List<Double> batchNormMomenta;
  private final Loss loss;
  private final Precision precision;
  private final Pass pass = new Pass();
  private final DMatrixRMaj input = new DMatrixRMaj(1, 1);
  private float[] inputFloat32 = new float[0];
  private final DMatrixRMaj lossGrad = new DMatrixRMaj(1, 1);
  private int[] labelBuf = new int[0];
  private boolean classificationBatch;
  private double[] targetBuf = new double[0];
  private double[] discardedGrad = new double[0];

  private Network(
      NetworkSpec spec,
      List<Layer> layers,
      ParameterLayout layout,
      int stateSize,
      List<int[]> batchNorms,
      List<Double> batchNormMomenta,
      Precision precision) {
    this.precision = precision;
    this.spec = spec;
    this.layers = layers;
    this.layout = layout;
    this.stateSize = stateSize;
    this.batchNorms = batchNorms;
    this.batchNormMomenta = batchNormMomenta;
    this.loss = Loss.of(spec.loss());
  }

  /** A network whose dense layers use the kernel chosen for this JVM (see {@link DenseKernels}). */
  public static Network build(NetworkSpec spec) {
    return build(spec, DenseKernels.chosen());
  }

  /** A network whose dense layers use {@code kernels} (e.g. to compare kernels in one JVM). */
  public static Network build(NetworkSpec spec, DenseKernels.Choice kernels) {
    return build(spec, kernels, Precision.FLOAT64);
  }

  /** A network whose training passes run in {@code precision} (see {@link Precision}). */
  public static Network build(NetworkSpec spec, Precision precision) {
    return build(spec, DenseKernels.chosen(), precision);
  }

  /**
   * A network whose dense layers use {@code kernels} and whose training passes run in {@code
   * precision}.
   */
  public static Network build(NetworkSpec spec, DenseKernels.Choice kernels, Precision precision) {
    ParameterLayout.Builder lb = ParameterLayout.builder();
    List<Layer> layers = new ArrayList<>();
    List<int[]> bns = new ArrayList<>();
    List<Double> momenta = new ArrayList<>();
    int width = spec.inputWidth();
    int state = 0;
    List<LayerSpec> specs = spec.layers();
    for (int i = 0; i < specs.size(); i++) {
      LayerSpec ls = specs.get(i);
      Layer layer;
      if (ls instanceof LayerSpec.Dense d) {
        int w = lb.add("layer" + i + ".weight", i, ParameterKind.WEIGHT, width, d.width());
        int b = lb.add("layer" + i + ".bias", i, ParameterKind.BIAS, 1, d.width());
        Initialiser init = d.init() == Initialiser.AUTO ? autoInitialiser(specs, i) : d.init();
        layer =
            new DenseLayer(
                width, d.width(), w, b, init, d.sigma(), kernels.factory().get(), precision);
      } else if (ls instanceof LayerSpec.Activation a) {
        layer = new ActivationLayer(width, a.kind(), a.alpha());
      } else if (ls instanceof LayerSpec.Maxout m) {
        layer = new MaxoutLayer(width, m.pieces());
      } else if (ls instanceof LayerSpec.BatchNorm bn) {
        int g = lb.add("layer" + i + ".gamma", i, ParameterKind.NORM_SCALE, 1, width);
        int b = lb.add("layer" + i + ".beta", i, ParameterKind.NORM_SHIFT, 1, width);
        layer = new BatchNormLayer(width, g, b, state, bn.eps());
        bns.add(new int[] {state, width});
        momenta.add(bn.momentum());
        state += 2 * width;
      } else if (ls instanceof LayerSpec.LayerNorm ln) {
        int g = lb.add("layer" + i + ".gamma", i, ParameterKind.NORM_SCALE, 1, width);
        int b = lb.add("layer" + i + ".beta", i, ParameterKind.NORM_SHIFT, 1, width);
        layer = new LayerNormLayer(width, g, b, ln.eps());
      } else if (ls instanceof LayerSpec.GroupNorm gn) {
        int g = lb.add("layer" + i + ".gamma", i, ParameterKind.NORM_SCALE, 1, width);
        int b = lb.add("layer" + i + ".beta", i, ParameterKind.NORM_SHIFT, 1, width);
        layer = new GroupNormLayer(width, gn.groupSize(), g, b, gn.eps());
      } else if (ls instanceof LayerSpec.Dropout dr) {
        layer = new DropoutLayer(width, dr.keep(), i);
      } else {
        throw new IllegalStateException("unhandled layer " + ls);
      }
      layers.add(layer);
      width = layer.outputWidth();
    }
    return new Network(spec, List.copyOf(layers), lb.build(), state, bns, momenta, precision);
  }

  /**
   * He init when the next activation (past normalisation and dropout) is ReLU-like, else Xavier.
   */
  private static Initialiser autoInitialiser(List<LayerSpec> specs, int denseIndex) {
    for (int j = denseIndex + 1; j < specs.size(); j++) {
      LayerSpec s = specs.get(j);
      if (s instanceof LayerSpec.Activation a) {
        return a.kind().reluFamily() ? Initialiser.HE_NORMAL : Initialiser.XAVIER_NORMAL;
      }
      if (s instanceof LayerSpec.Maxout) {
        return Initialiser.HE_NORMAL;
      }
      if (s instanceof LayerSpec.Dense) {
        break;
      }
    }
    return Initialiser.XAVIER_NORMAL;
  }

  public NetworkSpec spec() {
    return spec;
  }

  /**
   * The precision of this network's training passes; whoever feeds it parameters and collects its
   * gradients rounds them to it (see {@link Precision}).
   */
  public Precision precision() {
    return precision;
  }

  public ParameterLayout layout() {
    return layout;
  }

  public int parameterCount() {
    return layout.size();
  }

  /** Size of the non-trainable state vector (batch-norm running means and variances). */
  public int stateSize() {
    return stateSize;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Fresh parameters and state from {@code seed}; layer i draws from its own derived stream. */
  public void initialise(long seed, double[] params, double[] state) {
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).initialise(params, state, new SplittableRandom(Seeds.derive(seed, 0x1417L, i)));
    }
  }

  /**
   * Forward and backward over rows {@code rows[from .. from+count)} of {@code data} (or the
   * contiguous rows from..from+count when {@code rows} is null) in training mode. Adds the gradient
   * of the loss SUM into {@code grad} and, when {@code batchStats} is not null, batch-norm sums
   * into it.
   */
  public BatchResult gradient(
      double[] params,
      double[] state,
      Dataset data,
      int[] rows,
      int from,
      int count,
      long passSeed,
      double[] grad,
      double[] batchStats) {
    return gradient(params, state, data, rows, from, count, passSeed, grad, batchStats, null, null);
  }

  /**
   * {@link #gradient} on the rows' features plus {@code inputShift} (count × width, row-major; null
   * for none), also writing d(loss sum)/d(input) of those rows into {@code inputGrad} (count ×
   * width; null when not wanted). Only when {@code inputGrad} is set does the first layer compute
   * its input gradient, so the ordinary backward pass costs nothing extra.
   */
  public BatchResult gradient(
      double[] params,
      double[] state,
      Dataset data,
      int[] rows,
      int from,
      int count,
      long passSeed,
      double[] grad,
      double[] batchStats,
      double[] inputShift,
      double[] inputGrad) {
    pass.set(true, passSeed, batchStats);
    DMatrixRMaj out = forward(params, state, data, rows, from, count, inputShift);
    BatchResult result = score(out, count, lossGrad);
    DMatrixRMaj g = lossGrad;
    for (int i = layers.size() - 1; i >= 0; i--) {
      g = layers.get(i).backward(params, g, grad, i > 0 || inputGrad != null);
    }
    if (inputGrad != null) {
      System.arraycopy(g.data, 0, inputGrad, 0, count * data.width());
    }
    return result;
  }

  /**
   * Inference-mode loss sum and correct count of rows from..from+count, and d(loss sum)/d(input) of
   * those rows written into {@code inputGrad} (count × width): the gradient an attack on a trained
   * model follows.
   */
  public BatchResult inputGradient(
      double[] params, double[] state, Dataset data, int from, int count, double[] inputGrad) {
    pass.set(false, 0, null);
    DMatrixRMaj out = forward(params, state, data, null, from, count);
    BatchResult result = score(out, count, lossGrad);
    if (discardedGrad.length != layout.size()) {
      discardedGrad = new double[layout.size()];
    }
    DMatrixRMaj g = lossGrad;
    for (int i = layers.size() - 1; i >= 0; i--) {
      g = layers.get(i).backward(params, g, discardedGrad, true);
    }
    System.arraycopy(g.data, 0, inputGrad, 0, count * data.width());
    return result;
  }

  /**
   * {@link #gradient} of the distillation loss α·L + (1 − α)·T²·KL(q ‖ softmax(z/T)), with L this
   * network's loss (softmax cross-entropy) and {@code teacher} the teacher's distribution q at
   * temperature T for each of the rows (count × outputs). The returned loss sum is the mixed
   * loss's.
   */
  public BatchResult distillationGradient(
      double[] params,
      double[] state,
      Dataset data,
      int[] rows,
      int from,
      int count,
      long passSeed,
      double[] grad,
      double[] batchStats,
      double[] teacher,
      double alpha,
      double t) {
    pass.set(true, passSeed, batchStats);
    DMatrixRMaj out = forward(params, state, data, rows, from, count);
    BatchResult hard = score(out, count, lossGrad);
    double soft = polyak.nn.loss.SoftTargets.mix(out, teacher, alpha, t, lossGrad);
    DMatrixRMaj g = lossGrad;
    for (int i = layers.size() - 1; i >= 0; i--) {
      g = layers.get(i).backward(params, g, grad, i > 0);
    }
    return new BatchResult(alpha * hard.lossSum() + soft, hard.correct(), hard.count());
  }

  /**
   * Inference-mode outputs before the loss (logits for softmax-CE) of rows {@code rows[from ..
   * from+count)}.
   */
  public void logits(
      double[] params,
      double[] state,
      Dataset data,
      int[] rows,
      int from,
      int count,
      double[] out) {
    pass.set(false, 0, null);
    DMatrixRMaj y = forward(params, state, data, rows, from, count);
    System.arraycopy(y.data, 0, out, 0, y.getNumElements());
  }

  /** Inference-mode loss sum and correct count over rows from..from+count. */
  public BatchResult evaluate(double[] params, double[] state, Dataset data, int from, int count) {
    pass.set(false, 0, null);
    DMatrixRMaj out = forward(params, state, data, null, from, count);
    return score(out, count, null);
  }

  /**
   * Inference-mode predictions (class probabilities for softmax-CE, raw outputs otherwise) for rows
   * from..from+count, written row-major into {@code out}.
   */
  public void predict(
      double[] params, double[] state, Dataset data, int from, int count, double[] out) {
    pass.set(false, 0, null);
    DMatrixRMaj y = forward(params, state, data, null, from, count);
    loss.toPrediction(y);
    System.arraycopy(y.data, 0, out, 0, y.getNumElements());
  }

  /**
   * Moves the batch-norm running statistics toward the global batch's: r ← m·r + (1 − m)·batch,
   * with the unbiased variance. {@code batchStats} holds the Σx and Σx² that {@link #gradient}
   * collected (summed over partitions) for {@code count} examples.
   */
  public void updateRunningStatistics(double[] state, double[] batchStats, long count) {
    blendRunningStatistics(state, batchStats, count, false);
  }

  /** Sets the running statistics to those of the batch sums (momentum 0): full-batch training. */
  public void assignRunningStatistics(double[] state, double[] batchStats, long count) {
    blendRunningStatistics(state, batchStats, count, true);
  }

  private void blendRunningStatistics(
      double[] state, double[] batchStats, long count, boolean assign) {
    if (count < 1) {
      return;
    }
    for (int b = 0; b < batchNorms.size(); b++) {
      int off = batchNorms.get(b)[0];
      int width = batchNorms.get(b)[1];
      double m = assign ? 0.0 : batchNormMomenta.get(b);
      for (int j = 0; j < width; j++) {
        double mean = batchStats[off + j] / count;
        double var = Math.max(0.0, batchStats[off + width + j] / count - mean * mean);
        if (count > 1) {
          var *= (double) count / (count - 1);
        }
        state[off + j] = m * state[off + j] + (1 - m) * mean;
        state[off + width + j] = m * state[off + width + j] + (1 - m) * var;
      }
    }
  }

  /**
   * Checks that {@code data} fits this network's input and output; the message names the source.
   */
  public void checkCompatible(Dataset data) {
    if (data.isSparse() && !(layers.get(0) instanceof DenseLayer)) {
      throw new DataException(
          data.source()
              + ": sparse input needs a dense first layer, but network.layers[0] is "
              + spec.layers().get(0)
              + " (or load dense with data.sparse = false)");
    }
    if (data.width() != spec.inputWidth()) {
      throw new DataException(
          data.source()
              + ": "
              + data.width()
              + " features per row, but the network's input"
              + " width is "
              + spec.inputWidth());
    }
    if (loss.usesLabels() && !data.isClassification()) {
      throw new DataException(
          data.source()
              + ": the loss "
              + spec.loss().text()
              + " needs class labels, but the"
              + " data has real-valued targets");
    }
    if (data.targetWidth() != spec.outputWidth()) {
      throw new DataException(
          data.source()
              + ": "
              + data.targetWidth()
              + (data.isClassification() ? " classes" : " targets")
              + " per row, but the network's output width is "
              + spec.outputWidth());
    }
  }

  private DMatrixRMaj forward(
      double[] params, double[] state, Dataset data, int[] rows, int from, int count) {
    return forward(params, state, data, rows, from, count, null);
  }

  private DMatrixRMaj forward(
      double[] params,
      double[] state,
      Dataset data,
      int[] rows,
      int from,
      int count,
      double[] inputShift) {
    int width = data.width();
    int outWidth = spec.outputWidth();
    boolean sparse = data.isSparse();
    if (sparse && inputShift != null) {
      throw new IllegalStateException("an input shift needs dense input (data.sparse = false)");
    }
    // a float32 training pass hands float32 rows straight to a dense first layer
    boolean float32Rows =
        !sparse
            && inputShift == null
            && precision == Precision.FLOAT32
            && pass.training()
            && layers.get(0) instanceof DenseLayer;
    if (float32Rows && inputFloat32.length < count * width) {
      inputFloat32 = new float[count * width];
    }
    if (!sparse && !float32Rows) {
      input.reshape(count, width);
    }
    long[] keys = pass.keys(count);
    if (labelBuf.length < count) {
      labelBuf = new int[count];
    }
    classificationBatch = data.isClassification();
    boolean oneHot = classificationBatch && !loss.usesLabels();
    if ((oneHot || !data.isClassification()) && targetBuf.length < count * outWidth) {
      targetBuf = new double[count * outWidth];
    }
    float[] xf = data.floatFeatures();
    double[] x = sparse || xf != null ? null : data.features();
    for (int i = 0; i < count; i++) {
      int src = rows == null ? from + i : rows[from + i];
      if (float32Rows) {
        if (xf != null) {
          System.arraycopy(xf, src * width, inputFloat32, i * width, width);
        } else {
          for (int j = 0; j < width; j++) {
            inputFloat32[i * width + j] = (float) x[src * width + j];
          }
        }
      } else if (xf != null) {
        for (int j = 0; j < width; j++) {
          input.data[i * width + j] = xf[src * width + j];
        }
      } else if (!sparse) {
        System.arraycopy(x, src * width, input.data, i * width, width);
      }
      keys[i] = data.baseId() + src;
      if (data.isClassification()) {
        labelBuf[i] = data.labels()[src];
        if (oneHot) {
          java.util.Arrays.fill(targetBuf, i * outWidth, (i + 1) * outWidth, 0.0);
          targetBuf[i * outWidth + labelBuf[i]] = 1.0;
        }
      } else {
        System.arraycopy(data.targets(), src * outWidth, targetBuf, i * outWidth, outWidth);
      }
    }
    if (inputShift != null) {
      for (int i = 0; i < count * width; i++) {
        input.data[i] += inputShift[i];
      }
    }
    DMatrixRMaj a = input;
    int first = 0;
    if (sparse) {
      // sparse rows meet only the first dense layer (checkCompatible); the rest is unchanged
      a =
          ((DenseLayer) layers.get(0))
              .forwardSparse(params, data.sparseFeatures().gather(rows, from, count));
      first = 1;
    } else if (float32Rows) {
      a = ((DenseLayer) layers.get(0)).forwardFloat32(params, inputFloat32, count);
      first = 1;
    }
    for (int i = first; i < layers.size(); i++) {
      a = layers.get(i).forward(params, state, a, pass);
    }
    return a;
  }

  /**
   * Loss sum and correct count of the last forward pass; also d(loss sum)/d(output) when grad is
   * set.
   */
  private BatchResult score(DMatrixRMaj out, int count, DMatrixRMaj grad) {
    double lossSum = loss.lossAndGradient(out, labelBuf, targetBuf, grad);
    long correct = 0;
    if (classificationBatch && out.numCols > 1) {
      int k = out.numCols;
      for (int r = 0; r < count; r++) {
        int best = 0;
        for (int j = 1; j < k; j++) {
          if (out.data[r * k + j] > out.data[r * k + best]) {
            best = j;
          }
        }
        if (best == labelBuf[r]) {
          correct++;
        }
      }
    }
    return new BatchResult(lossSum, correct, count);
  }
}
