package polyak.spark.train;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.io.UnsafeInput;
import com.esotericsoftware.kryo.io.UnsafeOutput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The socket protocol between {@link LongLivedGradientSource} and its {@link LongLivedTask}s.
 * Messages are framed: a one-byte kind, then (for models and gradients) a length and that many
 * bytes of Kryo with {@link TrainKryo}'s serializers, so float32 vectors travel as 4-byte floats
 * exactly as the per-iteration jobs' broadcasts and results do, with the same code. A reader waits
 * for a message's first byte in short polls (so it can notice a failed job or a killed task), then
 * reads the rest under one timeout: no read blocks forever.
 *
 * <p>Task → driver: its partition index (an int) on connecting, then per command either {@link
 * #GRADIENT} + frame of a {@link PartialGradient} or {@link #FAILED} + a UTF message. Driver →
 * task: {@link #GRADIENT} + iteration (long) + frame of a {@link ModelBroadcast}, or {@link #STOP}.
 */
final class TaskWire {
  static final int GRADIENT = 1;
  static final int STOP = 2;
  static final int FAILED = 3;

  private TaskWire() {}

  /**
   * One side's Kryo frames, with buffers kept across iterations (Kryo instances are not
   * thread-safe: one codec per thread). Unsafe Kryo streams copy the vectors' float and double
   * arrays in bulk; both sides use them, so the bytes are the same JVM layout on either side (a
   * cluster of one byte order).
   */
  static final class Codec {
    private final Kryo kryo = new Kryo();
    private final Output out = new UnsafeOutput(1 << 16, -1);
    private final Input in = new UnsafeInput(1);
    private byte[] frame = new byte[1 << 16];

    Codec() {
      TrainKryo.register(kryo);
    }

    /** Encodes {@code value} as the frame {@link #write} sends (until the next encode). */
    Codec encode(Object value) {
      out.setPosition(0);
      kryo.writeObject(out, value);
      return this;
    }

    /** Writes the encoded frame: its length, then its bytes. */
    void write(DataOutputStream stream) throws IOException {
      stream.writeInt(out.position());
      stream.write(out.getBuffer(), 0, out.position());
    }

    /** Reads a frame {@link #write} wrote and decodes it. */
    <T> T read(DataInputStream stream, Class<T> type) throws IOException {
      int n = stream.readInt();
      if (n < 0) {
        throw new IOException("bad frame length " + n);
      }
      if (frame.length < n) {
        frame = new byte[n];
      }
      stream.readFully(frame, 0, n);
      in.setBuffer(frame, 0, n);
      return kryo.readObject(in, type);
    }
  }

  /**
   * The first byte of the next message: waits in polls of {@code pollMs} while {@code keepWaiting}
   * holds and at most {@code maxWaitMs} in all, then sets the socket's timeout to {@code readMs}
   * for the rest of the message.
   *
   * @throws SocketTimeoutException after {@code maxWaitMs}, or when {@code keepWaiting} fails
   * @throws EOFException when the other side closed the connection
   */
  static int awaitMessage(
      Socket socket,
      DataInputStream in,
      int pollMs,
      long maxWaitMs,
      int readMs,
      BooleanSupplier keepWaiting)
      throws IOException {
    long deadline = System.nanoTime() + maxWaitMs * 1_000_000L;
    socket.setSoTimeout(pollMs);
    while (true) {
      try {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("connection closed");
        }
        socket.setSoTimeout(readMs);
        return b;
      } catch (SocketTimeoutException e) {
        if (!keepWaiting.getAsBoolean()) {
          throw new SocketTimeoutException("stopped waiting");
        }
        if (System.nanoTime() > deadline) {
          throw new SocketTimeoutException("no message within " + maxWaitMs + " ms");
        }
      }
    }
  }
}
