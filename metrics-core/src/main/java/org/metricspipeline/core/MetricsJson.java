package org.metricspipeline.core;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.ValidationError;
import org.metricspipeline.core.internal.JsonSupport;
import org.metricspipeline.core.internal.FastJsonReader;
import org.metricspipeline.core.internal.MetricsJsonReader;
import org.metricspipeline.core.internal.MetricsJsonWriter;

/**
 * Converts between the models and their JSON wire form (seed 000, snake_case fields).
 *
 * <pre>{@code
 * {"timestamp": "2025-12-03T12:00:00Z",            // or 1733227200000 (epoch milliseconds)
 *  "metric_type": "page_view",
 *  "metrics": [{"name": "cpu", "value": 1.5, "unit": "%", "tags": {"host": "a"}}],
 *  "source": "web",                                // optional
 *  "context": {"any": ["JSON", 1, true]}}          // optional
 * }</pre>
 *
 * <p>Reading rules:
 *
 * <ul>
 *   <li>{@code timestamp}, {@code metric_type}, {@code metrics}, and each metric's {@code name} and
 *       {@code value} are required. {@code unit}, {@code tags}, {@code source} and {@code context}
 *       are optional; absent or {@code null} reads as empty.
 *   <li>{@code timestamp} is an ISO-8601 date-time with an offset ({@code Z} or {@code +01:00}) or a
 *       number of milliseconds since the epoch (a fractional number is floored).
 *   <li>Types are strict: a value must be a JSON number (not a string), a tag value a string. JSON
 *       has no NaN or Infinity; those literals are rejected at their field.
 *   <li>Unknown fields are ignored, so newer producers can talk to older pipelines.
 *   <li>{@code null} members and elements inside {@code context} are left out.
 *   <li>Every problem of an item is reported as a {@link ValidationError} with the field's wire path
 *       ({@code metrics[1].value}, {@code metrics[0].tags.host}, {@code timestamp}). Content rules
 *       (name syntax, limits) are not checked here but by {@link org.metricspipeline.api.MetricsValidator}.
 *   <li>Malformed JSON fails the whole document with a {@link MetricsValidationException} whose
 *       message gives the line and column; no Jackson exception escapes.
 * </ul>
 *
 * <p>Writing: timestamps as ISO-8601 UTC with milliseconds ({@code 2025-12-03T12:00:00.000Z});
 * empty optional fields left out; health status in lower case.
 *
 * <p>All methods are thread-safe; they share one Jackson factory.
 */
public final class MetricsJson {

  private MetricsJson() {}

  /**
   * Reads one item from UTF-8 JSON.
   *
   * @throws MetricsValidationException listing every field error, or the syntax error
   */
  public static MetricsData decode(byte[] json) {
    Objects.requireNonNull(json, "json");
    return MetricsJsonReader.readItem(parser(() -> JsonSupport.FACTORY.createParser(json)));
  }

  /**
   * Reads one item from a JSON string.
   *
   * @throws MetricsValidationException listing every field error, or the syntax error
   */
  public static MetricsData decode(String json) {
    Objects.requireNonNull(json, "json");
    return MetricsJsonReader.readItem(parser(() -> JsonSupport.FACTORY.createParser(json)));
  }

  /**
   * Reads one item from a stream of JSON (encoding detected, UTF-8 usually); the stream is read to
   * the end of the document and not closed.
   *
   * @throws MetricsValidationException listing every field error, or the syntax error
   * @throws MetricsPipelineException when the stream cannot be read
   */
  public static MetricsData decode(InputStream json) {
    Objects.requireNonNull(json, "json");
    return MetricsJsonReader.readItem(parser(() -> JsonSupport.FACTORY.createParser(json)));
  }

  /**
   * Reads a JSON array of items, each decoded on its own; a single object is read as a batch of
   * one.
   *
   * @throws MetricsValidationException when the document is malformed or not an array or object
   */
  public static DecodedBatch decodeBatch(byte[] json) {
    Objects.requireNonNull(json, "json");
    List<MetricsJsonReader.ItemResult> fast = FastJsonReader.tryReadBatch(json);
    return fast != null ? batch(fast) : batch(parser(() -> JsonSupport.FACTORY.createParser(json)));
  }

  /**
   * Reads a JSON array of items from a string; see {@link #decodeBatch(byte[])}.
   *
   * @throws MetricsValidationException when the document is malformed or not an array or object
   */
  public static DecodedBatch decodeBatch(String json) {
    Objects.requireNonNull(json, "json");
    return batch(parser(() -> JsonSupport.FACTORY.createParser(json)));
  }

  /**
   * Reads a JSON array of items from a stream (not closed); see {@link #decodeBatch(byte[])}.
   *
   * @throws MetricsValidationException when the document is malformed or not an array or object
   * @throws MetricsPipelineException when the stream cannot be read
   */
  public static DecodedBatch decodeBatch(InputStream json) {
    Objects.requireNonNull(json, "json");
    return batch(parser(() -> JsonSupport.FACTORY.createParser(json)));
  }

  /**
   * One item as UTF-8 JSON.
   *
   * @throws IllegalArgumentException when a value is NaN or infinite (JSON cannot carry it)
   */
  public static byte[] encode(MetricsData item) {
    Objects.requireNonNull(item, "item");
    return write(g -> MetricsJsonWriter.writeItem(g, item));
  }

  /**
   * Items as a UTF-8 JSON array.
   *
   * @throws IllegalArgumentException when a value is NaN or infinite (JSON cannot carry it)
   */
  public static byte[] encodeItems(List<MetricsData> items) {
    Objects.requireNonNull(items, "items");
    return write(g -> MetricsJsonWriter.writeItems(g, items));
  }

  /**
   * Writes items as a UTF-8 JSON array to a stream (flushed, not closed), without building the
   * whole document in memory.
   *
   * @throws UncheckedIOException when the stream fails
   */
  public static void encodeItems(List<MetricsData> items, OutputStream out) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(out, "out");
    try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      MetricsJsonWriter.writeItems(g, items);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A batch result: {@code {"success_count", "failure_count", "failures": [{"index", "reason", "errors"}]}}. */
  public static byte[] encode(MetricsBatchResult result) {
    Objects.requireNonNull(result, "result");
    return write(g -> MetricsJsonWriter.writeBatchResult(g, result));
  }

  /** A health result: {@code {"status": "healthy", "details": {...}}}. */
  public static byte[] encode(HealthCheckResult result) {
    Objects.requireNonNull(result, "result");
    return write(g -> MetricsJsonWriter.writeHealth(g, result));
  }

  /** Validation errors: {@code [{"field": "metrics[1].value", "message": "..."}]}. */
  public static byte[] encodeErrors(List<ValidationError> errors) {
    Objects.requireNonNull(errors, "errors");
    return write(g -> MetricsJsonWriter.writeErrors(g, errors));
  }

  private static DecodedBatch batch(JsonParser parser) {
    return batch(MetricsJsonReader.readBatch(parser));
  }

  private static DecodedBatch batch(List<MetricsJsonReader.ItemResult> results) {
    List<DecodedBatch.Item> items = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      MetricsJsonReader.ItemResult r = results.get(i);
      items.add(r.data() != null ? DecodedBatch.Item.decoded(i, r.data())
          : DecodedBatch.Item.failed(i, r.errors()));
    }
    return new DecodedBatch(items);
  }

  private interface ParserSource {
    JsonParser open() throws IOException;
  }

  private static JsonParser parser(ParserSource source) {
    try {
      return source.open();
    } catch (IOException e) {
      throw new MetricsPipelineException("could not read the JSON input: " + e.getMessage(), e);
    }
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayBuilder buffer = new ByteArrayBuilder(512);
    try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(buffer, JsonEncoding.UTF8)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    byte[] bytes = buffer.toByteArray();
    buffer.release();
    return bytes;
  }
}
