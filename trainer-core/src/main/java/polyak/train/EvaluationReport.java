package polyak.train;

/** Validation loss and accuracy after {@code step} steps (epoch as a fraction of passes). */
public record EvaluationReport(long step, double epoch, double loss, double accuracy) {}
