package polyak.spark.data;

import java.util.Locale;

/**
 * Whether sparse sources (LibSVM rows, Parquet Spark ML vector columns) load into sparse blocks
 * ({@link polyak.data.SparseRows}, memory proportional to the non-zeros; the first dense layer then
 * multiplies sparse × dense) or dense ones (rows × width doubles): the key {@code data.sparse}.
 */
public enum SparseMode {
  /** Sparse when the loaded rows hold fewer than {@link #AUTO_DENSITY} non-zeros. */
  AUTO,
  /** Always sparse; refused for sources that are dense by nature (IDX, CSV, Parquet arrays). */
  ON,
  /** Always dense (as before sparse blocks existed). */
  OFF;

  /**
   * Below this share of non-zeros AUTO keeps rows sparse. At 10 % a sparse block takes 12 bytes per
   * non-zero + 4 per row, ≤ 16 % of the dense 8 bytes per entry, and the first layer's sparse
   * product does 10 % of the dense multiply-adds — a clear win in memory and time even though the
   * sparse loops run a few times slower per multiply-add than a GEMM.
   */
  public static final double AUTO_DENSITY = 0.10;

  /** The value of {@code data.sparse}: auto, true or false. */
  public static SparseMode parse(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "true", "on", "yes" -> ON;
      case "false", "off", "no" -> OFF;
      default ->
          throw new IllegalArgumentException(
              key + ": expected auto, true or false, got '" + value + "'");
    };
  }

  /** Whether rows of this density ({@code nonZeros / (rows × width)}) load sparse. */
  boolean sparseAt(double density) {
    return this == ON || (this == AUTO && density < AUTO_DENSITY);
  }

  /** The config value, as {@code data.sparse} spells it. */
  public String text() {
    return switch (this) {
      case AUTO -> "auto";
      case ON -> "true";
      case OFF -> "false";
    };
  }
}
