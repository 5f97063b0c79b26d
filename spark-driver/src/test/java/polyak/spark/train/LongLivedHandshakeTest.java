package polyak.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Only this run's tasks are accepted: a connection must show the run's secret first. */
class LongLivedHandshakeTest {
  static DataInputStream hello(byte[] shown, int partition) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(shown);
    out.writeInt(partition);
    out.flush();
    return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
  }

  @Test
  void theRunsSecretThenThePartitionIsAccepted() throws IOException {
    byte[] token = new byte[LongLivedGradientSource.TOKEN_BYTES];
    Arrays.fill(token, (byte) 7);
    assertEquals(2, LongLivedGradientSource.announcedPartition(hello(token, 2), token));
  }

  @Test
  void aWrongSecretOrAShortHelloIsAStranger() throws IOException {
    byte[] token = new byte[LongLivedGradientSource.TOKEN_BYTES];
    Arrays.fill(token, (byte) 7);
    byte[] wrong = token.clone();
    wrong[15] = 8;
    assertEquals(
        LongLivedGradientSource.STRANGER,
        LongLivedGradientSource.announcedPartition(hello(wrong, 0), token));
    assertEquals(
        LongLivedGradientSource.STRANGER,
        LongLivedGradientSource.announcedPartition(
            new DataInputStream(new ByteArrayInputStream(new byte[] {7, 7, 7})), token));
  }
}
