package polyak.spark.run;

import java.util.Locale;

/** Builds one flat JSON object per line; non-finite numbers become null, which JSON has no other way to say. */
final class JsonLine {
  private final StringBuilder sb = new StringBuilder("{");

  JsonLine put(String key, String value) {
    sep().append('"').append(key).append("\":\"").append(escape(value)).append('"');
    return this;
  }

  JsonLine put(String key, long value) {
    sep().append('"').append(key).append("\":").append(value);
    return this;
  }

  JsonLine put(String key, double value) {
    sep().append('"').append(key).append("\":");
    if (Double.isFinite(value)) {
      sb.append(String.format(Locale.ROOT, "%.6g", value));
    } else {
      sb.append("null");
    }
    return this;
  }

  private StringBuilder sep() {
    if (sb.length() > 1) {
      sb.append(',');
    }
    return sb;
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  @Override
  public String toString() {
    return sb + "}";
  }
}
