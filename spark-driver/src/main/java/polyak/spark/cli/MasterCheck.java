package polyak.spark.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.regex.Pattern;
import polyak.spark.config.ConfigError;

/**
 * Checks a Spark master URL before a session is started: Spark itself prints a long trace for a
 * malformed URL, and for an unreachable standalone master retries for about a minute before failing
 * with "Cannot call methods on a stopped SparkContext". Here a malformed URL fails at once and a
 * standalone master that accepts no connection within {@link #CONNECT_TIMEOUT_MS} fails naming it.
 */
final class MasterCheck {
  static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final Pattern LOCAL =
      Pattern.compile("local(\\[(\\*|\\d+)(,\\s*\\d+)?\\])?|local-cluster\\[.*\\]");

  private MasterCheck() {}

  static void check(String master) {
    if (LOCAL.matcher(master).matches() || master.equals("yarn") || master.startsWith("k8s://")) {
      return;
    }
    if (!master.startsWith("spark://")) {
      throw new ConfigError(
          "--master '"
              + master
              + "': not a Spark master URL (expected local, local[N], local[*], "
              + "spark://HOST:PORT, yarn or k8s://...)");
    }
    // a standalone master with standby masters: spark://host1:port1,host2:port2
    String failures = "";
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      URI uri;
      try {
        uri = URI.create("spark://" + hostPort.strip());
      } catch (IllegalArgumentException e) {
        throw new ConfigError("--master '" + master + "': '" + hostPort + "' is not HOST:PORT");
      }
      if (uri.getHost() == null || uri.getPort() < 0) {
        throw new ConfigError("--master '" + master + "': '" + hostPort + "' is not HOST:PORT");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), CONNECT_TIMEOUT_MS);
        return;
      } catch (IOException e) {
        failures +=
            (failures.isEmpty() ? "" : "; ")
                + uri.getHost()
                + ":"
                + uri.getPort()
                + ": "
                + e.getMessage();
      }
    }
    throw new ConfigError(
        "--master "
            + master
            + ": cannot reach the Spark master ("
            + failures
            + "; gave up after "
            + CONNECT_TIMEOUT_MS / 1000
            + " s)");
  }
}
