package org.metricspipeline.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.ValidationError;

/**
 * The outcome of decoding a JSON array of items: for every index, the decoded item or the errors
 * that kept it from decoding. One bad item never loses the others.
 *
 * <pre>{@code
 * DecodedBatch batch = MetricsJson.decodeBatch(body);
 * MetricsBatchResult stored = pipeline.processBatch(batch.decoded()).join();
 * MetricsBatchResult answer = batch.combine(stored); // indexes as the client sent them
 * }</pre>
 *
 * @param items one entry per array element, in array order
 */
public record DecodedBatch(List<Item> items) {

  /** Validates that entry {@code i} has index {@code i}, and copies. */
  public DecodedBatch {
    Objects.requireNonNull(items, "items");
    items = List.copyOf(items);
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).index() != i) {
        throw new IllegalArgumentException(
            "items[" + i + "] has index " + items.get(i).index() + ", expected " + i);
      }
    }
  }

  /** The number of array elements. */
  public int size() {
    return items.size();
  }

  /** Whether every element decoded. */
  public boolean allDecoded() {
    for (Item item : items) {
      if (!item.isDecoded()) {
        return false;
      }
    }
    return true;
  }

  /** The decoded items, in array order (elements that failed to decode are skipped). */
  public List<MetricsData> decoded() {
    List<MetricsData> out = new ArrayList<>(items.size());
    for (Item item : items) {
      item.data().ifPresent(out::add);
    }
    return out;
  }

  /** One failure per element that did not decode, with its array index and field errors. */
  public List<MetricsBatchResult.Failure> failures() {
    List<MetricsBatchResult.Failure> out = new ArrayList<>();
    for (Item item : items) {
      if (!item.isDecoded()) {
        out.add(MetricsBatchResult.Failure.invalid(item.index(), MetricsValidationResult.of(item.errors())));
      }
    }
    return out;
  }

  /**
   * The result for the whole array, given the result of processing {@link #decoded()}: the
   * decoding failures, plus the failures of {@code resultOfDecoded} with their indexes mapped back
   * to array indexes, in index order.
   *
   * @throws IllegalArgumentException when {@code resultOfDecoded} is not about as many items as
   *     {@link #decoded()} holds
   */
  public MetricsBatchResult combine(MetricsBatchResult resultOfDecoded) {
    Objects.requireNonNull(resultOfDecoded, "resultOfDecoded");
    int[] arrayIndex = new int[items.size()];
    int decodedCount = 0;
    for (Item item : items) {
      if (item.isDecoded()) {
        arrayIndex[decodedCount++] = item.index();
      }
    }
    if (resultOfDecoded.total() != decodedCount) {
      throw new IllegalArgumentException("resultOfDecoded is about " + resultOfDecoded.total()
          + " items, but " + decodedCount + " were decoded");
    }
    List<MetricsBatchResult.Failure> all = failures();
    for (MetricsBatchResult.Failure f : resultOfDecoded.failures()) {
      all.add(new MetricsBatchResult.Failure(arrayIndex[f.index()], f.reason(), f.errors()));
    }
    all.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return MetricsBatchResult.of(items.size(), all);
  }

  /**
   * One array element: decoded, or not with the reasons.
   *
   * @param index the element's position in the array, from 0
   * @param data the decoded item; empty when it did not decode
   * @param errors why it did not decode (field paths relative to the element); empty when decoded
   */
  public record Item(int index, Optional<MetricsData> data, List<ValidationError> errors) {

    /** Validates that exactly one of data and errors is present, and copies. */
    public Item {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(errors, "errors");
      errors = List.copyOf(errors);
      if (index < 0) {
        throw new IllegalArgumentException("index must be >= 0, got " + index);
      }
      if (data.isPresent() == !errors.isEmpty()) {
        throw new IllegalArgumentException("an item has either data or errors, not both or neither");
      }
    }

    /** A decoded element. */
    public static Item decoded(int index, MetricsData data) {
      return new Item(index, Optional.of(data), List.of());
    }

    /** An element that did not decode. */
    public static Item failed(int index, List<ValidationError> errors) {
      return new Item(index, Optional.empty(), errors);
    }

    /** Whether the element decoded. */
    public boolean isDecoded() {
      return data.isPresent();
    }
  }
}
