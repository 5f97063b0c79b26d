package polyak.train;

/**
 * What one central step did: the 1-based step number, the minibatch's mean loss (without penalty)
 * and accuracy, the gradient's global L2 norm before clipping, the learning rate applied, the
 * examples in the minibatch, and the wall time spent getting the gradient and in the central step.
 */
public record StepReport(long step, double loss, double accuracy, double gradientNorm, double learningRate,
    long examples, double gradientMillis, double stepMillis) {

  StepReport timed(double newGradientMillis, double newStepMillis) {
    return new StepReport(step, loss, accuracy, gradientNorm, learningRate, examples, newGradientMillis,
        newStepMillis);
  }
}
