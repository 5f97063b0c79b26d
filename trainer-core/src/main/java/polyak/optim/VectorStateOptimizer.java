package polyak.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The state bookkeeping of an optimizer whose state is a fixed list of named vectors with the
 * parameter layout (none for SGD): its saved form is the header, then the vectors in order. Every
 * step's arguments are checked here before the subclass's {@link #update}.
 */
abstract class VectorStateOptimizer implements Optimizer {
  private final String name;
  protected final int size;
  private final String[] vectorNames;
  private final double[][] vectors;

  VectorStateOptimizer(String name, int size, String... vectorNames) {
    this.name = name;
    this.size = Checks.size(size);
    this.vectorNames = vectorNames.clone();
    this.vectors = new double[vectorNames.length][size];
  }

  /** The live state vector named {@code vectorNames[i]}. */
  final double[] vector(int i) {
    return vectors[i];
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int size() {
    return size;
  }

  @Override
  public final void step(double[] theta, double[] gradient, long t, double learningRate) {
    Checks.step(name, size, theta, gradient, t, learningRate);
    update(theta, gradient, t, learningRate);
  }

  /** {@link #step} after its arguments were checked. */
  abstract void update(double[] theta, double[] gradient, long t, double learningRate);

  @Override
  public final void writeState(DataOutput out) throws IOException {
    StateCodec.writeHeader(out, name, size);
    for (int i = 0; i < vectors.length; i++) {
      StateCodec.writeVector(out, vectorNames[i], vectors[i]);
    }
  }

  @Override
  public final Runnable prepareRestore(DataInput in) throws IOException {
    StateCodec.readHeader(in, name, size);
    double[][] saved = new double[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      saved[i] = StateCodec.readVector(in, name, vectorNames[i], size);
    }
    return () -> {
      for (int i = 0; i < vectors.length; i++) {
        System.arraycopy(saved[i], 0, vectors[i], 0, size);
      }
    };
  }
}
