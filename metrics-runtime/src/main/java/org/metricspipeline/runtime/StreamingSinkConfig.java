package org.metricspipeline.runtime;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.metricspipeline.api.sink.TableSpec;

/**
 * Where the windowed aggregation job writes its results ({@code streaming.sink}): a table sink by
 * provider name, the table it writes (created when missing, with these columns and key), and which
 * field of a result row fills which column.
 *
 * @param sink the table sink provider ({@code postgres}, {@code clickhouse}) and its options
 * @param table the table, its columns and key [streaming.sink.table, .columns, .primary_key]
 * @param mapping result field path to column [streaming.sink.mapping; by default each column from the
 *     field of its name, {@code window_start} and {@code window_end} from {@code window.start} and
 *     {@code window.end}]; the fields are {@code name}, {@code window.start}, {@code window.end}, one
 *     per group-by key, {@code value}, {@code count} and {@code batch_id}
 */
public record StreamingSinkConfig(ProviderConfig sink, TableSpec table, Map<String, String> mapping) {

  /** Validates and copies. */
  public StreamingSinkConfig {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(table, "table");
    mapping = Map.copyOf(new TreeMap<>(Objects.requireNonNull(mapping, "mapping")));
    if (mapping.isEmpty()) {
      throw new IllegalArgumentException("mapping must map at least one field to a column");
    }
  }
}
