package org.metricspipeline.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.sink.ColumnMapping;
import org.metricspipeline.api.sink.TableSink;
import org.metricspipeline.core.WindowedAggregator.WindowResult;

/**
 * Where a {@link StreamingJob} writes each batch of window results: a storage adapter (as a derived
 * metric), a table of a {@link TableSink}, or a callback per batch (seed 002's {@code foreachBatch}).
 * A write that completes exceptionally is retried by the job with its retry policy; the batch id of
 * a retried batch does not change, so an output can recognise a batch it already wrote.
 */
public interface WindowOutput {

  /** A short name for status and metrics, for example {@code postgres:events_per_minute}. */
  String name();

  /** The table label of the output's sink figures. */
  default String table() {
    return name();
  }

  /** Writes one batch; completes when it is written, exceptionally when it was not. */
  CompletableFuture<Void> write(List<WindowResult> results, long batchId);

  /** A user function of a batch (seed 002's {@code foreachBatch}); throwing fails the batch. */
  @FunctionalInterface
  interface BatchFunction {
    /** Handles one batch. */
    void apply(List<WindowResult> results, long batchId) throws Exception;
  }

  /**
   * Each result as one item of {@code metricType} at the window start, with one metric named after
   * the aggregation carrying the group's tags; per-item refusals fail the batch.
   */
  static WindowOutput storage(StorageAdapter storage, String metricType) {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(metricType, "metricType");
    return new WindowOutput() {
      @Override
      public String name() {
        return storage.name() + ":" + metricType;
      }

      @Override
      public String table() {
        return metricType;
      }

      @Override
      public CompletableFuture<Void> write(List<WindowResult> results, long batchId) {
        List<MetricsData> items = new ArrayList<>(results.size());
        for (WindowResult r : results) {
          items.add(MetricsData.of(r.start(), metricType, List.of(Metric.of(r.name(), r.value(), r.group()))));
        }
        return storage.batchStore(items).thenAccept((MetricsBatchResult result) -> {
          if (!result.allSucceeded()) {
            throw new MetricsPipelineException(result.failureCount() + " of " + results.size()
                + " window results refused by " + storage.name() + ": " + result.failures().get(0).reason());
          }
        });
      }
    };
  }

  /**
   * Each result as one row of {@code table}, its fields picked by {@code mapping}. A row has
   * {@code name}, {@code window.start} and {@code window.end} (instants), one field per group-by
   * key, {@code value} (the aggregate), {@code count} (the events in the window) and {@code batch_id}.
   */
  static WindowOutput table(TableSink sink, String table, ColumnMapping mapping) {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(mapping, "mapping");
    return new WindowOutput() {
      @Override
      public String name() {
        return sink.name() + ":" + table;
      }

      @Override
      public String table() {
        return table;
      }

      @Override
      public CompletableFuture<Void> write(List<WindowResult> results, long batchId) {
        List<Map<String, Object>> rows = new ArrayList<>(results.size());
        for (WindowResult r : results) {
          rows.add(row(r, batchId));
        }
        return sink.writeBatch(table, rows, mapping).thenApply(n -> null);
      }
    };
  }

  /** A callback per batch; a thrown exception fails the batch (and it is retried). */
  static WindowOutput foreachBatch(String name, BatchFunction function) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(function, "function");
    return new WindowOutput() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletableFuture<Void> write(List<WindowResult> results, long batchId) {
        try {
          function.apply(List.copyOf(results), batchId);
          return CompletableFuture.completedFuture(null);
        } catch (Exception e) {
          return CompletableFuture.failedFuture(e);
        }
      }
    };
  }

  /** The row of a result, as {@link #table} writes it. */
  static Map<String, Object> row(WindowResult r, long batchId) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", r.name());
    row.put("window", Map.of("start", r.start(), "end", r.end()));
    row.putAll(r.group());
    row.put("value", r.value());
    row.put("count", r.count());
    row.put("batch_id", batchId);
    return row;
  }
}
