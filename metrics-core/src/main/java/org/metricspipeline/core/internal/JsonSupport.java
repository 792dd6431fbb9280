package org.metricspipeline.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

/** The one Jackson factory the codec uses: thread-safe, shared, configured once. */
public final class JsonSupport {

  /**
   * The shared factory. {@code NaN} and {@code Infinity} literals are tokenized (not a syntax error)
   * only so the reader can reject them with the field's path and keep reading the other items of a
   * batch; the reader never lets such a value through. Sources and targets are never closed: the
   * caller owns them.
   */
  public static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();

  private JsonSupport() {}
}
