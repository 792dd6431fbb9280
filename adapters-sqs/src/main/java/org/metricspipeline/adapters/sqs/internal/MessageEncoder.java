package org.metricspipeline.adapters.sqs.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.ValidationError;
import org.metricspipeline.core.MetricsJson;

/**
 * Turns one item into message bodies of at most {@code maxBytes} UTF-8 bytes: one body when it
 * fits, else the item split by metrics into parts that each carry the item's timestamp, type,
 * source and context and a share of its metrics. Nothing is ever truncated.
 */
public final class MessageEncoder {

  private MessageEncoder() {}

  /** The bodies of one item, or why it cannot be sent. */
  public record Encoded(List<String> bodies, List<Integer> sizes, ValidationError error) {

    /** Whether the item can be sent. */
    public boolean ok() {
      return error == null;
    }
  }

  /** Encodes {@code item} into one or more bodies of at most {@code maxBytes} bytes each. */
  public static Encoded encode(MetricsData item, int maxBytes) {
    byte[] whole = MetricsJson.encode(item);
    if (whole.length <= maxBytes) {
      return new Encoded(List.of(new String(whole, StandardCharsets.UTF_8)), List.of(whole.length), null);
    }
    List<Metric> metrics = item.metrics();
    int shell = MetricsJson.encode(withMetrics(item, List.of())).length;
    if (metrics.size() < 2 || shell >= maxBytes) {
      return tooLarge(item, whole.length, maxBytes, shell);
    }
    // Greedy packing on estimated sizes, then every part is checked and halved while too large.
    List<List<Metric>> parts = new ArrayList<>();
    List<Metric> current = new ArrayList<>();
    long currentBytes = shell;
    for (int i = 0; i < metrics.size(); i++) {
      Metric m = metrics.get(i);
      int size = MetricsJson.encode(withMetrics(item, List.of(m))).length - shell + 1;
      if (!current.isEmpty() && currentBytes + size > maxBytes) {
        parts.add(current);
        current = new ArrayList<>();
        currentBytes = shell;
      }
      current.add(m);
      currentBytes += size;
    }
    parts.add(current);
    List<String> bodies = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (List<Metric> part : parts) {
      ValidationError error = addPart(item, part, maxBytes, bodies, sizes);
      if (error != null) {
        return new Encoded(List.of(), List.of(), error);
      }
    }
    return new Encoded(List.copyOf(bodies), List.copyOf(sizes), null);
  }

  private static ValidationError addPart(
      MetricsData item, List<Metric> part, int maxBytes, List<String> bodies, List<Integer> sizes) {
    byte[] bytes = MetricsJson.encode(withMetrics(item, part));
    if (bytes.length <= maxBytes) {
      bodies.add(new String(bytes, StandardCharsets.UTF_8));
      sizes.add(bytes.length);
      return null;
    }
    if (part.size() == 1) {
      int index = item.metrics().indexOf(part.get(0));
      return new ValidationError("metrics[" + index + "]", "with the item's other fields this metric alone"
          + " makes a message of " + bytes.length + " bytes, more than maxMessageBytes " + maxBytes);
    }
    int half = part.size() / 2;
    ValidationError error = addPart(item, part.subList(0, half), maxBytes, bodies, sizes);
    return error != null ? error : addPart(item, part.subList(half, part.size()), maxBytes, bodies, sizes);
  }

  private static Encoded tooLarge(MetricsData item, int wholeBytes, int maxBytes, int shellBytes) {
    String message = shellBytes >= maxBytes
        ? "without its metrics the item is " + shellBytes + " bytes, more than maxMessageBytes " + maxBytes
        : "the item is " + wholeBytes + " bytes, more than maxMessageBytes " + maxBytes
            + ", and a single metric cannot be split";
    String field = shellBytes >= maxBytes ? "" : "metrics[0]";
    return new Encoded(List.of(), List.of(), new ValidationError(field, message));
  }

  private static MetricsData withMetrics(MetricsData item, List<Metric> metrics) {
    return new MetricsData(item.timestamp(), item.metricType(), metrics, item.source(), item.context());
  }
}
