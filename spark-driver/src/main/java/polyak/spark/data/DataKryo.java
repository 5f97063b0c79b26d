package polyak.spark.data;

import com.esotericsoftware.kryo.Kryo;

/** Registers the classes this package sends through RDDs, shuffles and task results. */
public final class DataKryo {
  private DataKryo() {}

  public static void register(Kryo kryo) {
    kryo.register(BlockPiece.class);
    kryo.register(PieceSummary.class);
    kryo.register(IdxSlice.class);
    kryo.register(IdxPart.class);
    kryo.register(Moments.class);
    kryo.register(polyak.data.SparseRows.class); // a field of sparse Dataset blocks
  }
}
