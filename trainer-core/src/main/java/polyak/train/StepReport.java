package polyak.train;

/**
 * What one central step did: the 1-based step number, the minibatch's mean loss (without penalty)
 * and accuracy, the gradient's global L2 norm before clipping, and the learning rate applied.
 */
public record StepReport(long step, double loss, double accuracy, double gradientNorm, double learningRate) {}
