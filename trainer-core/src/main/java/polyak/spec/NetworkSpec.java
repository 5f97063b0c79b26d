package polyak.spec;

import java.util.List;

/**
 * An immutable, validated description of a feed-forward network: input width, layers in order and
 * the loss. A config file holds it as a list of layer strings (see {@link LayerSpec}) and a model
 * file carries its {@link #text()} form, so a model always says how it was built.
 */
public record NetworkSpec(int inputWidth, List<LayerSpec> layers, LossSpec loss) {

  public NetworkSpec {
    layers = List.copyOf(layers);
    validate(inputWidth, layers, loss);
  }

  /** Width of the network's output (the loss's input). */
  public int outputWidth() {
    int width = inputWidth;
    for (LayerSpec l : layers) {
      width = widthAfter(l, width);
    }
    return width;
  }

  /** Multi-line text form: {@code input N}, one line per layer, {@code loss ...}. */
  public String text() {
    StringBuilder sb = new StringBuilder("input ").append(inputWidth).append('\n');
    for (LayerSpec l : layers) {
      sb.append(l.text()).append('\n');
    }
    return sb.append("loss ").append(loss.text()).append('\n').toString();
  }

  /**
   * The most parameters one network can have: they live in one flat {@code double[]}, and a Java
   * array holds at most this many elements.
   */
  public static final long MAX_PARAMETERS = Integer.MAX_VALUE - 8;

  /**
   * Trainable parameters in all layers (fits an int: {@link #MAX_PARAMETERS} is checked on
   * construction).
   */
  public long parameterCount() {
    long total = 0;
    int width = inputWidth;
    for (LayerSpec l : layers) {
      total += parameters(l, width);
      width = widthAfter(l, width);
    }
    return total;
  }

  /** Index of the layer holding the most parameters (the first of equals). */
  public int largestLayer() {
    int best = 0;
    long most = -1;
    int width = inputWidth;
    for (int i = 0; i < layers.size(); i++) {
      long p = parameters(layers.get(i), width);
      if (p > most) {
        most = p;
        best = i;
      }
      width = widthAfter(layers.get(i), width);
    }
    return best;
  }

  /** Parameters of layer {@code l} given its input width, in long arithmetic (no overflow). */
  static long parameters(LayerSpec l, int width) {
    if (l instanceof LayerSpec.Dense d) {
      return (long) width * d.width() + d.width();
    }
    if (l instanceof LayerSpec.BatchNorm || l instanceof LayerSpec.LayerNorm) {
      return 2L * width;
    }
    return 0;
  }

  static int widthAfter(LayerSpec l, int width) {
    if (l instanceof LayerSpec.Dense d) {
      return d.width();
    }
    if (l instanceof LayerSpec.Maxout m) {
      return width / m.pieces();
    }
    return width;
  }

  private static void validate(int inputWidth, List<LayerSpec> layers, LossSpec loss) {
    if (inputWidth <= 0) {
      throw new SpecException("input: width must be positive, got " + inputWidth);
    }
    if (loss == null) {
      throw new SpecException("loss: missing");
    }
    int width = inputWidth;
    long total = 0;
    boolean dense = false;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      String field = "layers[" + i + "] (" + l.text() + ")";
      if (l instanceof LayerSpec.Dense d) {
        dense = true;
        if (d.width() <= 0) {
          throw new SpecException(field + ": width must be positive, got " + d.width());
        }
        if (!(d.sigma() > 0) || !Double.isFinite(d.sigma())) {
          throw new SpecException(field + ": sigma must be a positive number, got " + d.sigma());
        }
      } else if (l instanceof LayerSpec.Activation a) {
        if (!(a.alpha() >= 0) || !Double.isFinite(a.alpha())) {
          throw new SpecException(
              field + ": alpha must be a non-negative number, got " + a.alpha());
        }
        if (a.kind() != ActivationKind.LEAKY_RELU
            && a.kind() != ActivationKind.ELU
            && a.alpha() != 0) {
          throw new SpecException(
              field + ": alpha applies only to leaky_relu and elu, got " + a.alpha());
        }
      } else if (l instanceof LayerSpec.Maxout m) {
        if (m.pieces() < 2) {
          throw new SpecException(field + ": pieces must be at least 2, got " + m.pieces());
        }
        if (width % m.pieces() != 0) {
          throw new SpecException(
              field + ": input width " + width + " is not divisible by " + m.pieces() + " pieces");
        }
      } else if (l instanceof LayerSpec.BatchNorm b) {
        if (!(b.momentum() >= 0 && b.momentum() < 1)) {
          throw new SpecException(field + ": momentum must be in [0, 1), got " + b.momentum());
        }
        if (!(b.eps() > 0)) {
          throw new SpecException(field + ": eps must be positive, got " + b.eps());
        }
      } else if (l instanceof LayerSpec.LayerNorm n) {
        if (!(n.eps() > 0)) {
          throw new SpecException(field + ": eps must be positive, got " + n.eps());
        }
        if (width < 2) {
          throw new SpecException(
              field + ": layer normalisation needs at least 2 units, got " + width);
        }
      } else if (l instanceof LayerSpec.GroupNorm gn) {
        if (!(gn.eps() > 0)) {
          throw new SpecException(field + ": eps must be positive, got " + gn.eps());
        }
        if (gn.groupSize() < 2) {
          throw new SpecException(
              field + ": group size must be at least 2 units, got " + gn.groupSize());
        }
        if (width % gn.groupSize() != 0) {
          throw new SpecException(
              field
                  + ": input width "
                  + width
                  + " is not divisible by the group size "
                  + gn.groupSize());
        }
      } else if (l instanceof LayerSpec.Dropout d) {
        if (!(d.keep() > 0 && d.keep() <= 1)) {
          throw new SpecException(
              field + ": keep probability p must be in (0, 1], got " + d.keep());
        }
      }
      total += parameters(l, width);
      if (total > MAX_PARAMETERS) {
        throw new SpecException(
            field
                + ": the network has "
                + total
                + " parameters up to this layer, more than the"
                + " "
                + MAX_PARAMETERS
                + " one parameter vector can hold");
      }
      width = widthAfter(l, width);
    }
    if (!dense) {
      throw new SpecException("layers: a network needs at least one dense layer");
    }
    if (loss.kind() != LossSpec.Kind.SOFTMAX_CE && loss.labelSmoothing() != 0) {
      throw new SpecException(
          "loss ("
              + loss.text()
              + "): smoothing applies only to softmax_ce, got "
              + loss.labelSmoothing());
    }
    if (loss.kind() == LossSpec.Kind.SOFTMAX_CE) {
      if (width < 2) {
        throw new SpecException(
            "loss ("
                + loss.text()
                + "): softmax cross-entropy needs an output of at least 2"
                + " units, but the network's output has "
                + width);
      }
      if (!(loss.labelSmoothing() >= 0 && loss.labelSmoothing() < 1)) {
        throw new SpecException(
            "loss ("
                + loss.text()
                + "): smoothing must be in [0, 1), got "
                + loss.labelSmoothing());
      }
    }
  }
}
