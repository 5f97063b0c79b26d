package polyak.spark.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import polyak.data.Dataset;
import polyak.nn.BatchResult;
import polyak.nn.Network;
import polyak.nn.Precision;
import polyak.nn.kernel.DenseKernels;
import polyak.train.AdversarialSpec;
import polyak.train.GradientResult;
import polyak.train.GradientSource;
import polyak.train.MinibatchSampler;
import scala.Tuple2;

/**
 * Gradients from long-lived Spark tasks (spark.long_lived_tasks): ONE barrier job whose tasks, one
 * per cached training partition, all start at once and live for the whole run ({@link
 * LongLivedTask}); each iteration the driver sends them (t, θ) over plain TCP sockets and reads
 * back their partition gradients, so an iteration does not pay Spark's per-job scheduling floor.
 * The gradients are {@link SparkGradientSource}'s: the same executor code per partition, the same
 * rounding of θ and gradients to the precision, the same sum in partition order ({@link
 * SparkGradientSource#addInOrder}), so the parameters are bit for bit those of the per-iteration
 * jobs (and of {@code LocalGradientSource}).
 *
 * <p>The tasks hold their slots for the whole run, so nothing else can run a Spark job on them:
 * validation therefore runs on the driver, over the validation blocks collected once (per
 * partition, with the same {@link SparkGradientSource.ShardEvaluation} code, summed in partition
 * order: the numbers {@link SparkGradientSource#evaluate} gives). A task that fails, a closed
 * socket or a timeout makes {@link #gradient} throw; nothing is retried (a resumed run continues
 * from its last checkpoint exactly).
 */
public final class LongLivedGradientSource implements GradientSource, AutoCloseable {
  static final int POLL_MS = 100;
  private static final String JOB_DESCRIPTION = "spark.job.description";

  private final JavaSparkContext sc;
  private final JavaRDD<Dataset> training;
  private final JavaRDD<Dataset> validation;
  private final String specText;
  private final String kernel;
  private final Precision precision;
  private final int partitions;
  private final MinibatchSampler sampler;
  private final SparkGradientSource.ShardGradient shard;

  /** What {@link #announcedPartition} returns for a connection without the run's secret. */
  static final int STRANGER = -1;

  /** Bytes of the per-run secret a task shows before it is accepted. */
  static final int TOKEN_BYTES = 16;

  private final int connectMs;
  private final int replyMs;
  private final TaskWire.Codec codec = new TaskWire.Codec();

  private List<List<Dataset>> validationBlocks;
  private ServerSocket server;
  private JavaFutureAction<List<Integer>> job;
  private Socket[] sockets;
  private DataInputStream[] ins;
  private DataOutputStream[] outs;
  private String failure;

  /**
   * @param training one {@link Dataset} block per partition, cached; all its partitions must fit in
   *     the free task slots at once
   * @param validation blocks to evaluate on (collected to the driver once), or null
   * @param connectMs how long all tasks may take to start and connect
   * @param replyMs how long one iteration's gradients may take
   */
  public LongLivedGradientSource(
      JavaSparkContext sc,
      Network network,
      JavaRDD<Dataset> training,
      int[] partitionRows,
      JavaRDD<Dataset> validation,
      long seed,
      int batchSize,
      AdversarialSpec adversarial,
      int threadsPerTask,
      int connectMs,
      int replyMs) {
    SparkGradientSource.checkLayout(training, partitionRows, threadsPerTask);
    this.sc = sc;
    this.training = training;
    this.validation = validation;
    this.specText = network.spec().text();
    this.kernel = DenseKernels.name();
    this.precision = network.precision();
    this.partitions = partitionRows.length;
    this.sampler = new MinibatchSampler(seed, partitionRows, batchSize);
    this.shard =
        new SparkGradientSource.ShardGradient(
            null,
            specText,
            kernel,
            seed,
            partitionRows.clone(),
            batchSize,
            0,
            false,
            adversarial,
            null,
            threadsPerTask,
            precision);
    this.connectMs = connectMs;
    this.replyMs = replyMs;
    refuseTooFewLocalSlots();
  }

  /** With 2 minutes for the tasks to connect and 10 for one iteration's gradients. */
  public LongLivedGradientSource(
      JavaSparkContext sc,
      Network network,
      JavaRDD<Dataset> training,
      int[] partitionRows,
      JavaRDD<Dataset> validation,
      long seed,
      int batchSize,
      AdversarialSpec adversarial,
      int threadsPerTask) {
    this(
        sc,
        network,
        training,
        partitionRows,
        validation,
        seed,
        batchSize,
        adversarial,
        threadsPerTask,
        120_000,
        600_000);
  }

  @Override
  public long iterationsPerEpoch() {
    return sampler.iterationsPerEpoch();
  }

  @Override
  public GradientResult gradient(
      long t, double[] params, double[] normState, double[] gradientSum, double[] normStatsSum) {
    start();
    if (job.isDone()) {
      throw fail(0, t, "the job ended before this iteration");
    }
    long start = System.nanoTime();
    codec.encode(ModelBroadcast.rounded(params, normState, precision));
    int partition = 0;
    try {
      for (; partition < partitions; partition++) {
        DataOutputStream out = outs[partition];
        out.writeByte(TaskWire.GRADIENT);
        out.writeLong(t);
        codec.write(out);
        out.flush();
      }
    } catch (IOException e) {
      throw fail(partition, t, e);
    }
    long sent = System.nanoTime();
    List<PartialGradient> ordered = new ArrayList<>(partitions);
    for (partition = 0; partition < partitions; partition++) {
      ordered.add(receive(partition, t));
    }
    return SparkGradientSource.addInOrder(ordered, gradientSum, normStatsSum, start, sent);
  }

  private PartialGradient receive(int partition, long t) {
    DataInputStream in = ins[partition];
    try {
      int kind =
          TaskWire.awaitMessage(
              sockets[partition], in, POLL_MS, replyMs, replyMs, () -> !job.isDone());
      if (kind == TaskWire.FAILED) {
        throw fail(partition, t, "it failed: " + in.readUTF());
      }
      if (kind != TaskWire.GRADIENT) {
        throw fail(partition, t, "unexpected message " + kind);
      }
      PartialGradient g = codec.read(in, PartialGradient.class);
      if (g.partition() != partition) {
        throw fail(partition, t, "it sent partition " + g.partition() + "'s gradient");
      }
      return g;
    } catch (IOException e) {
      throw fail(partition, t, e);
    } catch (com.esotericsoftware.kryo.KryoException e) {
      throw fail(partition, t, "its gradient could not be read (" + e.getMessage() + ")");
    }
  }

  @Override
  public BatchResult fullGradient(
      double[] params, double[] normState, double[] gradientSum, double[] normStatsSum) {
    throw new UnsupportedOperationException(
        "spark.long_lived_tasks: full-batch gradients (lbfgs) are not supported");
  }

  /**
   * {@link SparkGradientSource#evaluate}'s numbers without a Spark job: each validation partition's
   * blocks evaluated here by the same {@link SparkGradientSource.ShardEvaluation}, partition
   * results summed in partition order.
   */
  @Override
  public BatchResult evaluate(double[] params, double[] normState) {
    if (validation == null) {
      return BatchResult.EMPTY;
    }
    List<List<Dataset>> blocks = validationBlocks();
    // a driver-local broadcast: ShardEvaluation reads its model from one
    Broadcast<ModelBroadcast> b =
        sc.broadcast(new ModelBroadcast(params.clone(), normState.clone()));
    try {
      SparkGradientSource.ShardEvaluation evaluation =
          new SparkGradientSource.ShardEvaluation(b, specText, kernel);
      BatchResult total = BatchResult.EMPTY;
      for (List<Dataset> partition : blocks) {
        total = total.plus(evaluation.call(partition.iterator()).next());
      }
      return total;
    } finally {
      b.destroy();
    }
  }

  private List<List<Dataset>> validationBlocks() {
    if (validationBlocks == null) {
      String description = sc.getLocalProperty(JOB_DESCRIPTION);
      sc.setJobDescription("polyak validation data to the driver (long-lived tasks)");
      List<Tuple2<Integer, Dataset>> tagged;
      try {
        tagged = PartitionTask.map(validation, LongLivedGradientSource::tagged, true).collect();
      } finally {
        sc.setLocalProperty(JOB_DESCRIPTION, description);
      }
      List<List<Dataset>> blocks = new ArrayList<>();
      for (Tuple2<Integer, Dataset> block : tagged) {
        while (blocks.size() <= block._1()) {
          blocks.add(new ArrayList<>());
        }
        blocks.get(block._1()).add(block._2());
      }
      validationBlocks = blocks;
    }
    return validationBlocks;
  }

  /** A partition's blocks, each with the partition's index. */
  private static Iterator<Tuple2<Integer, Dataset>> tagged(
      Integer partition, Iterator<Dataset> it) {
    List<Tuple2<Integer, Dataset>> out = new ArrayList<>();
    it.forEachRemaining(d -> out.add(new Tuple2<>(partition, d)));
    return out.iterator();
  }

  /**
   * Starts the barrier job and accepts one connection per partition, unless started already.
   *
   * @throws IllegalStateException naming spark.long_lived_tasks when the tasks do not all connect
   */
  private void start() {
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
    if (job != null) {
      return;
    }
    if (validation != null) {
      validationBlocks(); // while the slots are free
    }
    String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
    String bind = sc.getConf().get("spark.driver.bindAddress", host);
    sockets = new Socket[partitions];
    ins = new DataInputStream[partitions];
    outs = new DataOutputStream[partitions];
    int connected = 0;
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName(bind), 0), partitions);
      server.setSoTimeout(POLL_MS);
      // a per-run secret, shipped to the tasks inside their closure (Spark's own, authenticated
      // when spark.authenticate is on): connections that cannot show it are dropped unread
      byte[] token = new byte[TOKEN_BYTES];
      new SecureRandom().nextBytes(token);
      LongLivedTask task =
          new LongLivedTask(
              host, server.getLocalPort(), token, shard, connectMs, 3_600_000L, replyMs);
      String description = sc.getLocalProperty(JOB_DESCRIPTION);
      sc.setJobDescription("polyak long-lived gradient tasks (" + partitions + " partitions)");
      try {
        job = PartitionTask.mapBarrier(training, task).collectAsync();
      } finally {
        sc.setLocalProperty(JOB_DESCRIPTION, description); // later jobs are not these tasks
      }
      long deadline = System.nanoTime() + connectMs * 1_000_000L;
      while (connected < partitions) {
        if (job.isDone()) {
          throw new IllegalStateException(
              "spark.long_lived_tasks: the gradient tasks' job ended before all "
                  + partitions
                  + " tasks connected: "
                  + jobOutcome());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "spark.long_lived_tasks: only "
                  + connected
                  + " of "
                  + partitions
                  + " gradient tasks connected within "
                  + connectMs / 1000
                  + " s; the barrier job needs a free task slot for every training partition"
                  + " at once");
        }
        Socket s;
        try {
          s = server.accept();
        } catch (SocketTimeoutException e) {
          continue;
        }
        s.setTcpNoDelay(true);
        s.setSoTimeout(connectMs); // for the partition index
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
        int p = announcedPartition(in, token);
        if (p == STRANGER) {
          s.close(); // not one of this run's tasks: dropped, the run goes on
          continue;
        }
        if (p < 0 || p >= partitions || sockets[p] != null) {
          s.close();
          throw new IllegalStateException(
              "spark.long_lived_tasks: a gradient task announced partition " + p);
        }
        sockets[p] = s;
        ins[p] = in;
        outs[p] = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
        connected++;
      }
    } catch (IOException | RuntimeException e) {
      String message =
          e instanceof IllegalStateException
              ? e.getMessage()
              : "spark.long_lived_tasks: starting the gradient tasks failed: " + e;
      failure = message;
      shutDown();
      throw new IllegalStateException(message, e);
    }
  }

  /**
   * On a local master the task slots are fixed, so a barrier job that needs more is refused before
   * the run starts (Spark itself re-checks for minutes, waiting for executors that cannot come). On
   * a cluster executors may still be registering: Spark's check and the connect timeout decide
   * there.
   */
  private void refuseTooFewLocalSlots() {
    if (!sc.sc().isLocal()) {
      return;
    }
    int slots =
        sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
    if (partitions > slots) {
      throw new IllegalArgumentException(
          "spark.long_lived_tasks: the training data has "
              + partitions
              + " partitions but the local master has "
              + slots
              + " task slots; the long-lived tasks run all at once, one slot each (set"
              + " data.partitions <= "
              + slots
              + ")");
    }
  }

  private IllegalStateException fail(int partition, long t, IOException e) {
    String what =
        e instanceof SocketTimeoutException && !job.isDone()
            ? "no answer within " + replyMs / 1000 + " s (" + e.getMessage() + ")"
            : "its connection failed (" + e.getMessage() + ")";
    return fail(partition, t, what);
  }

  /** Marks this source failed, stops the tasks and names the partition, iteration and cause. */
  private IllegalStateException fail(int partition, long t, String what) {
    closeConnections(); // the tasks see their sockets close and end
    failure =
        "spark.long_lived_tasks: the gradient task of partition "
            + partition
            + " failed in iteration "
            + (t + 1)
            + ": "
            + what
            + "; the tasks' Spark job: "
            + jobOutcome();
    shutDown();
    return new IllegalStateException(failure);
  }

  /** How the barrier job ended, in one line (after a short wait for it). */
  private String jobOutcome() {
    if (job == null) {
      return "not started";
    }
    try {
      job.get(5, TimeUnit.SECONDS);
      return "ended";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String m = String.valueOf(cause.getMessage());
      int nl = m.indexOf('\n');
      return nl < 0 ? m : m.substring(0, nl);
    } catch (TimeoutException e) {
      return "still running (cancelled)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (java.util.concurrent.CancellationException e) {
      return "cancelled";
    }
  }

  /** Closes the sockets and the server; cancels the job unless it has ended. */
  private void shutDown() {
    closeConnections();
    if (job != null && !job.isDone()) {
      job.cancel(true);
    }
  }

  private void closeConnections() {
    if (sockets != null) {
      for (Socket s : sockets) {
        closeQuietly(s);
      }
    }
    closeQuietly(server);
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // closing after a failure or at the end: nothing left to tell
    }
  }

  /** Tells the tasks to stop and waits for their job to end; call when training ends. */
  @Override
  public void close() {
    if (job == null || failure != null) {
      shutDown();
      return;
    }
    try {
      for (DataOutputStream out : outs) {
        out.writeByte(TaskWire.STOP);
        out.flush();
      }
      job.get(replyMs, TimeUnit.MILLISECONDS);
    } catch (IOException | ExecutionException | TimeoutException e) {
      // the run's gradients are all in; a task that did not end cleanly changes nothing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      failure = "spark.long_lived_tasks: the gradient source is closed";
      shutDown();
    }
  }

  /**
   * The partition a connecting task announces after showing {@code token}, or {@link #STRANGER}
   * when it shows anything else or closes first.
   */
  static int announcedPartition(DataInputStream in, byte[] token) throws IOException {
    byte[] shown = new byte[token.length];
    try {
      in.readFully(shown);
    } catch (java.io.EOFException e) {
      return STRANGER;
    }
    return MessageDigest.isEqual(token, shown) ? in.readInt() : STRANGER;
  }
}
