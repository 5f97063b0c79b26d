package polyak.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import polyak.optim.OptimizerConfigException;

class TrainingConfigTest {
  @Test
  void aNegativePatienceNamesTheConfigKeyUsersWrite() {
    OptimizerConfigException e =
        assertThrows(
            OptimizerConfigException.class, () -> TrainingConfig.defaults().withEvaluation(1, -1));
    assertTrue(e.getMessage().startsWith("evaluation.patience "), e.getMessage());
  }
}
