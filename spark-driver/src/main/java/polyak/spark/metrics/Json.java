package polyak.spark.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * The one JSON codec of polyak's own files (metrics.jsonl, sweep results, bench reports): Jackson
 * as Spark brings it (2.18). A number that is not finite is written as {@code null}, JSON having no
 * other way to say it, and read back as NaN; fields a reader does not know are ignored, so a newer
 * writer's lines stay readable.
 */
public final class Json {
  public static final ObjectMapper MAPPER = create();

  private Json() {}

  private static ObjectMapper create() {
    SimpleModule finite = new SimpleModule("polyak-non-finite-as-null");
    finite.addSerializer(Double.class, new NonFiniteAsNull());
    finite.addSerializer(Double.TYPE, new NonFiniteAsNull());
    finite.addDeserializer(Double.class, new NullAsNaN());
    finite.addDeserializer(Double.TYPE, new NullAsNaN());
    return new ObjectMapper()
        .registerModule(finite)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  private static final class NonFiniteAsNull extends StdSerializer<Double> {
    NonFiniteAsNull() {
      super(Double.class);
    }

    @Override
    public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
      if (Double.isFinite(v)) {
        g.writeNumber(v);
      } else {
        g.writeNull();
      }
    }
  }

  private static final class NullAsNaN extends StdDeserializer<Double> {
    NullAsNaN() {
      super(Double.class);
    }

    @Override
    public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
      return p.getValueAsDouble(Double.NaN);
    }

    @Override
    public Double getNullValue(DeserializationContext c) {
      return Double.NaN;
    }
  }
}
