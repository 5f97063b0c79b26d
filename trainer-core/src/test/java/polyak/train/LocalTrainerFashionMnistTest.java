package polyak.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import polyak.data.Dataset;
import polyak.data.FashionMnist;
import polyak.data.PixelScaling;
import polyak.optim.OptimizerSpec;
import polyak.optim.ScheduleSpec;
import polyak.spec.ActivationKind;
import polyak.spec.LayerSpec;
import polyak.spec.LossSpec;
import polyak.spec.NetworkSpec;

/**
 * Real data: 784-128-10 ReLU with plain SGD on 10k Fashion-MNIST examples, checked on the 10k test
 * set.
 */
@Tag("slow")
class LocalTrainerFashionMnistTest {
  @Test
  void plainSgdReachesEightyPercentWithinThreeEpochs() throws Exception {
    Dataset train = PixelScaling.INSTANCE.apply(FashionMnist.train().slice(0, 10_000));
    Dataset test = PixelScaling.INSTANCE.apply(FashionMnist.test());
    NetworkSpec spec =
        new NetworkSpec(
            784,
            List.of(
                new LayerSpec.Dense(128),
                new LayerSpec.Activation(ActivationKind.RELU),
                new LayerSpec.Dense(10)),
            LossSpec.softmaxCrossEntropy());
    TrainingConfig config =
        TrainingConfig.defaults()
            .withBatchSize(32)
            .withEpochs(3)
            .withOptimizer(OptimizerSpec.defaults("sgd"))
            .withLearningRate(ScheduleSpec.constant(0.05));
    long start = System.nanoTime();
    TrainResult result = new LocalTrainer(spec, config).train(train, test, TrainingListener.NONE);
    double seconds = (System.nanoTime() - start) / 1e9;
    double accuracy = result.lastEvaluation().accuracy();
    System.out.printf(
        "784-128-10 SGD, 3 epochs on 10k: test accuracy %.4f in %.1f s%n", accuracy, seconds);
    assertTrue(result.evaluations().size() == 3, "one evaluation per epoch");
    assertTrue(accuracy > 0.80, "test accuracy " + accuracy + " after 3 epochs");
  }
}
