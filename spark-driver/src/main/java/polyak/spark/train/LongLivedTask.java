package polyak.spark.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import polyak.data.Dataset;

/**
 * The executor side of {@link LongLivedGradientSource}: one task per training partition that lives
 * for the whole run. It connects to the driver, says which partition it holds, and then, until told
 * to stop, computes its partition's gradient for each (iteration, θ) the driver sends with {@link
 * SparkGradientSource.ShardGradient#partial} (the per-iteration task's own code, threads and
 * caches) and sends it back.
 */
final class LongLivedTask implements Function2<Integer, Iterator<Dataset>, Iterator<Integer>> {
  private static final long serialVersionUID = 1L;
  private static final int POLL_MS = 500;

  private final String host;
  private final int port;
  private final byte[] token;
  private final SparkGradientSource.ShardGradient shard;
  private final int connectMs;
  private final long idleMs;
  private final int readMs;

  /**
   * @param token the driver's per-run secret, shown first on connecting
   * @param shard the gradient computation (its broadcast and iteration unused)
   * @param idleMs the longest wait for the driver's next command (the driver's step, evaluation and
   *     checkpoints happen in between)
   * @param readMs the longest wait for the rest of a message once it has begun
   */
  LongLivedTask(
      String host,
      int port,
      byte[] token,
      SparkGradientSource.ShardGradient shard,
      int connectMs,
      long idleMs,
      int readMs) {
    this.host = host;
    this.port = port;
    this.token = token.clone();
    this.shard = shard;
    this.connectMs = connectMs;
    this.idleMs = idleMs;
    this.readMs = readMs;
  }

  @Override
  public Iterator<Integer> call(Integer partition, Iterator<Dataset> blocks) throws IOException {
    Dataset block = blocks.hasNext() ? blocks.next() : null;
    TaskContext context = TaskContext.get();
    TaskWire.Codec codec = new TaskWire.Codec();
    int iterations = 0;
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), connectMs);
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
      out.write(token);
      out.writeInt(partition);
      out.flush();
      while (true) {
        int kind =
            TaskWire.awaitMessage(
                socket,
                in,
                POLL_MS,
                idleMs,
                readMs,
                () -> context == null || !context.isInterrupted());
        if (kind == TaskWire.STOP) {
          break;
        }
        if (kind != TaskWire.GRADIENT) {
          throw new IOException("unknown command " + kind);
        }
        if (context != null) {
          context.killTaskIfInterrupted(); // the job was cancelled or failed elsewhere
        }
        long t = in.readLong();
        ModelBroadcast model = codec.read(in, ModelBroadcast.class);
        PartialGradient g;
        try {
          g = shard.partial(partition, block, t, model);
        } catch (RuntimeException e) {
          out.writeByte(TaskWire.FAILED);
          out.writeUTF(String.valueOf(e));
          out.flush();
          throw e;
        }
        codec.encode(g);
        out.writeByte(TaskWire.GRADIENT);
        codec.write(out);
        out.flush();
        iterations++;
      }
    } catch (IOException e) {
      if (context != null) {
        context.killTaskIfInterrupted();
      }
      throw new UncheckedIOException(
          "long-lived gradient task of partition " + partition + ": " + e.getMessage(), e);
    }
    return List.of(iterations).iterator();
  }
}
