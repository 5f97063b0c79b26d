package polyak.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The layout of polyak's one flat parameter vector: per layer, weights then biases, then
 * normalisation parameters (γ then β), layers in order. Gradients, optimizer state and Polyak
 * averages use the same layout, so every vector operation is a single-array loop.
 */
public final class ParameterLayout {
  private final List<ParameterSegment> segments;
  private final int size;

  private ParameterLayout(List<ParameterSegment> segments, int size) {
    this.segments = Collections.unmodifiableList(segments);
    this.size = size;
  }

  public List<ParameterSegment> segments() {
    return segments;
  }

  /** Total number of trainable parameters. */
  public int size() {
    return size;
  }

  public List<ParameterSegment> segmentsOfLayer(int layer) {
    List<ParameterSegment> out = new ArrayList<>();
    for (ParameterSegment s : segments) {
      if (s.layer() == layer) {
        out.add(s);
      }
    }
    return out;
  }

  /** The segment holding index {@code i}, for messages such as "first non-finite value in ...". */
  public ParameterSegment segmentAt(int i) {
    for (ParameterSegment s : segments) {
      if (i >= s.offset() && i < s.end()) {
        return s;
      }
    }
    throw new IndexOutOfBoundsException("parameter index " + i + " outside layout of size " + size);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Appends segments in order; offsets are assigned as they are added. */
  public static final class Builder {
    private final List<ParameterSegment> segments = new ArrayList<>();
    private int next;

    public int add(String name, int layer, ParameterKind kind, int rows, int cols) {
      int offset = next;
      segments.add(new ParameterSegment(name, layer, kind, offset, rows, cols));
      next += rows * cols;
      return offset;
    }

    public int size() {
      return next;
    }

    public ParameterLayout build() {
      return new ParameterLayout(new ArrayList<>(segments), next);
    }
  }
}
