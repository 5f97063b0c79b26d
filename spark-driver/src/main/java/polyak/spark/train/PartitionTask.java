package polyak.spark.train;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * {@code mapPartitionsWithIndex} for the per-iteration jobs, without Spark's closure cleaner.
 * {@code JavaRDD.mapPartitionsWithIndex} wraps the function in a Scala lambda, and cleaning a
 * lambda re-reads the bytecode of the class that declared it (from the jar) and test-serializes the
 * closure — on every call, so in every iteration. A named function class is not a closure to the
 * cleaner, which then skips it; the task itself is serialized once per job as before.
 */
final class PartitionTask<T, R>
    extends AbstractFunction2<Object, scala.collection.Iterator<T>, scala.collection.Iterator<R>>
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Function2<Integer, Iterator<T>, Iterator<R>> task;

  private PartitionTask(Function2<Integer, Iterator<T>, Iterator<R>> task) {
    this.task = task;
  }

  /** The same RDD as {@code rdd.mapPartitionsWithIndex(task, preservesPartitioning)}. */
  static <T, R> JavaRDD<R> map(
      JavaRDD<T> rdd,
      Function2<Integer, Iterator<T>, Iterator<R>> task,
      boolean preservesPartitioning) {
    @SuppressWarnings("unchecked")
    ClassTag<R> tag = (ClassTag<R>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
    return JavaRDD.fromRDD(
        rdd.rdd().mapPartitionsWithIndex(new PartitionTask<>(task), preservesPartitioning, tag),
        tag);
  }

  /**
   * {@link #map} in a barrier stage: Spark starts all of the RDD's tasks at once or refuses the job
   * (too few free task slots).
   */
  static <T, R> JavaRDD<R> mapBarrier(
      JavaRDD<T> rdd, Function2<Integer, Iterator<T>, Iterator<R>> task) {
    @SuppressWarnings("unchecked")
    ClassTag<R> tag = (ClassTag<R>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
    return JavaRDD.fromRDD(
        rdd.rdd().barrier().mapPartitionsWithIndex(new PartitionTask<>(task), false, tag), tag);
  }

  @Override
  public scala.collection.Iterator<R> apply(Object index, scala.collection.Iterator<T> rows) {
    try {
      return CollectionConverters.asScala(
          task.call((Integer) index, CollectionConverters.asJava(rows)));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
