package polyak.optim;

/** Argument checks shared by the optimizers; cheap enough to run on every step. */
final class Checks {
  private Checks() {}

  static void step(
      String name, int size, double[] theta, double[] gradient, long t, double learningRate) {
    if (theta.length != size || gradient.length != size) {
      throw new IllegalArgumentException(
          name
              + ": expected "
              + size
              + " parameters, got theta of length "
              + theta.length
              + " and gradient of length "
              + gradient.length);
    }
    if (t < 1) {
      throw new IllegalArgumentException(name + ": step number t is 1-based, got " + t);
    }
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          name + ": learning rate must be finite and >= 0, got " + learningRate);
    }
  }

  static double momentum(String name, Schedule schedule, long t) {
    double mu = schedule.valueAt(t - 1);
    if (!(mu >= 0 && mu < 1)) {
      throw new IllegalStateException(
          name
              + ": momentum schedule gave "
              + mu
              + " at iteration "
              + (t - 1)
              + ", must be in [0, 1)");
    }
    return mu;
  }

  static int size(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("parameter count must be >= 0, got " + size);
    }
    return size;
  }
}
