package org.metricspipeline.adapters.clickhouse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.sink.Column;
import org.metricspipeline.api.sink.ColumnMapping;
import org.metricspipeline.api.sink.ColumnType;
import org.metricspipeline.api.sink.ColumnValues;
import org.metricspipeline.api.sink.TableSink;
import org.metricspipeline.api.sink.TableSpec;
import org.metricspipeline.clickhouse.sql.Sql;

/**
 * Writes rows into ClickHouse tables (seed 002's {@code ClickHouseSink}) through the same client as
 * the storage adapter. {@link #createTable}: {@code CREATE TABLE IF NOT EXISTS ... ENGINE = MergeTree()
 * ORDER BY (key)} with seed 002's type mapping (string String, int and long Int64, float and double
 * Float64, boolean UInt8, timestamp DateTime, date Date, array Array(String); nullable columns are
 * {@code Nullable(...)}; map is refused: 18.16 has no Map type). {@link #writeBatch}: one INSERT in
 * JSONEachRow (values converted by {@link ColumnValues} for the column's type, read from
 * {@code system.columns}). {@link #query}: 18.16 has no query parameters, so each {@code ?} is
 * replaced by the value as a quoted literal ({@code Sql.quote}, the adapter's one escaping function;
 * numbers as numbers), and the query runs with {@code readonly=2} so the server refuses writes.
 */
public final class ClickHouseTableSink implements TableSink {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "clickhouse";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> ROW = new TypeReference<>() {};
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);

  private final Connection connection;
  private final String database;
  private final ExecutorService executor;
  private final Map<String, Map<String, ColumnType>> types = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private ClickHouseTableSink(String url, String database, String username, String password, Duration timeout) {
    this.connection = new Connection(url, username, password, false, false, timeout, timeout, timeout, 2);
    this.database = database;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1000), r -> {
      Thread t = new Thread(r, "metrics-clickhouse-sink-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A sink writing into {@code database} on the server at {@code url} (HTTP, for example
   * {@code http://127.0.0.1:8123}), with {@code username}/{@code password} and a per-call timeout.
   */
  public static ClickHouseTableSink create(String url, String database, String username, String password,
      Duration timeout) {
    ClickHouseStorageAdapter.builder(url); // the same URL check as the storage adapter
    Sql.identifier("database", database);
    return new ClickHouseTableSink(url, database, Objects.requireNonNull(username, "username"),
        Objects.requireNonNull(password, "password"), Objects.requireNonNull(timeout, "timeout"));
  }

  @Override
  public String name() {
    return NAME;
  }

  private String qualified(String table) {
    return Sql.identifier("database", database) + "." + Sql.identifier("table", Column.checkName("table", table));
  }

  static String sqlType(Column c) {
    String t = switch (c.type()) {
      case STRING -> "String";
      case INT, LONG -> "Int64";
      case FLOAT, DOUBLE -> "Float64";
      case BOOLEAN -> "UInt8";
      case TIMESTAMP -> "DateTime";
      case DATE -> "Date";
      case ARRAY -> "Array(String)";
      case MAP -> throw new IllegalArgumentException("column " + c.name()
          + ": map is not available in ClickHouse 18.16 (use array or string)");
    };
    return c.nullable() && c.type() != ColumnType.ARRAY ? "Nullable(" + t + ")" : t;
  }

  @Override
  public CompletableFuture<Void> createTable(TableSpec table) {
    Objects.requireNonNull(table, "table");
    return run(() -> {
      StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS " + qualified(table.name()) + " (");
      for (int i = 0; i < table.columns().size(); i++) {
        Column c = table.columns().get(i);
        sb.append(i == 0 ? "" : ", ").append(Sql.identifier("column", c.name())).append(' ').append(sqlType(c));
      }
      sb.append(") ENGINE = MergeTree() ORDER BY ").append(table.key().isEmpty() ? "tuple()"
          : "(" + String.join(", ", table.key().stream().map(k -> Sql.identifier("column", k)).toList()) + ")");
      connection.execute("CREATE DATABASE IF NOT EXISTS " + Sql.identifier("database", database));
      connection.execute(sb.toString());
      types.remove(table.name());
      return null;
    });
  }

  private Map<String, ColumnType> columnTypes(String table) {
    Map<String, ColumnType> known = types.get(table);
    if (known != null) {
      return known;
    }
    Map<String, ColumnType> found = new LinkedHashMap<>();
    connection.query("SELECT name, type FROM system.columns WHERE database = " + Sql.quote(database)
        + " AND table = " + Sql.quote(table), r -> {
          String name = r.string();
          fromSqlType(r.string()).ifPresent(t -> found.put(name, t));
        });
    if (found.isEmpty()) {
      throw new MetricsPipelineException("table " + database + "." + table + " does not exist (create it with createTable)");
    }
    types.put(table, found);
    return found;
  }

  private static Optional<ColumnType> fromSqlType(String type) {
    String t = type.startsWith("Nullable(") ? type.substring(9, type.length() - 1) : type;
    return Optional.ofNullable(switch (t) {
      case "String" -> ColumnType.STRING;
      case "Int8", "Int16", "Int32", "Int64", "UInt16", "UInt32", "UInt64" -> ColumnType.LONG;
      case "Float32", "Float64" -> ColumnType.DOUBLE;
      case "UInt8" -> ColumnType.BOOLEAN;
      case "DateTime" -> ColumnType.TIMESTAMP;
      case "Date" -> ColumnType.DATE;
      case "Array(String)" -> ColumnType.ARRAY;
      default -> null;
    });
  }

  @Override
  public CompletableFuture<Long> writeBatch(String table, List<? extends Map<String, ?>> rows, ColumnMapping mapping) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(mapping, "mapping");
    List<? extends Map<String, ?>> copy = List.copyOf(rows);
    return run(() -> {
      Map<String, ColumnType> tableTypes = columnTypes(table);
      List<String> columns = mapping.columns();
      for (String c : columns) {
        if (!tableTypes.containsKey(c)) {
          throw new IllegalArgumentException("column mapping target " + c + " is not a column of " + database + "."
              + table + " (its columns: " + tableTypes.keySet() + ")");
        }
      }
      if (copy.isEmpty()) {
        return 0L;
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream(copy.size() * 64);
      for (int r = 0; r < copy.size(); r++) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
          String column = columns.get(i);
          Optional<Object> v = mapping.value(copy.get(r), i);
          if (v.isPresent()) {
            try {
              out.put(column, json(tableTypes.get(column), ColumnValues.convert(tableTypes.get(column), v.get(), column)));
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException("row " + r + ": " + e.getMessage(), e);
            }
          }
        }
        try {
          body.write(JSON.writeValueAsBytes(out));
        } catch (java.io.IOException e) {
          throw new IllegalArgumentException("row " + r + " is not writable as JSON: " + e.getMessage(), e);
        }
        body.write('\n');
      }
      connection.insertJsonLines(qualified(table), columns, body.toByteArray());
      return (long) copy.size();
    });
  }

  private static Object json(ColumnType type, Object v) {
    return switch (type) {
      case TIMESTAMP -> DATE_TIME.format((Instant) v);
      case DATE -> v.toString();
      case BOOLEAN -> (Boolean) v ? 1 : 0;
      default -> v;
    };
  }

  @Override
  public CompletableFuture<List<Map<String, Object>>> query(String sql, List<?> params) {
    Objects.requireNonNull(sql, "sql");
    List<?> copy = List.copyOf(params);
    return run(() -> {
      String[] parts = sql.split("\\?", -1);
      if (parts.length - 1 != copy.size()) {
        throw new IllegalArgumentException("query has " + (parts.length - 1) + " placeholders but " + copy.size()
            + " parameters were given");
      }
      StringBuilder bound = new StringBuilder(parts[0]);
      for (int i = 0; i < copy.size(); i++) {
        bound.append(literal(copy.get(i))).append(parts[i + 1]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      connection.queryJsonLines(bound.toString(), line -> {
        try {
          rows.add(JSON.readValue(line, ROW));
        } catch (JsonProcessingException e) {
          throw new MetricsPipelineException("unreadable row from ClickHouse: " + e.getOriginalMessage(), e);
        }
      });
      return rows;
    });
  }

  private static String literal(Object p) {
    if (p instanceof Long || p instanceof Integer || p instanceof Short || p instanceof Byte) {
      return p.toString();
    }
    if (p instanceof Double d && Double.isFinite(d) || p instanceof Float f && Float.isFinite(f)) {
      return p.toString();
    }
    if (p instanceof Instant i) {
      return "toDateTime(" + Sql.quote(DATE_TIME.format(i)) + ", 'UTC')";
    }
    if (p instanceof LocalDate d) {
      return "toDate(" + Sql.quote(d.toString()) + ")";
    }
    if (p instanceof Boolean b) {
      return b ? "1" : "0";
    }
    return Sql.quote(String.valueOf(p));
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (closed) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("clickhouse sink is closed"));
    }
    return run(() -> {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("url", connection.url());
      details.put("database", database);
      try {
        connection.queryLong("SELECT toUInt64(1)");
        return HealthCheckResult.healthy(details);
      } catch (MetricsPipelineException e) {
        details.put("reason", e.getMessage());
        return new HealthCheckResult(HealthStatus.UNHEALTHY, details);
      }
    });
  }

  private <T> CompletableFuture<T> run(Supplier<T> work) {
    if (closed) {
      return CompletableFuture.failedFuture(new StorageUnavailableException("clickhouse sink is closed"));
    }
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return work.get();
        } catch (MetricsPipelineException e) {
          throw e;
        } catch (IllegalArgumentException e) {
          throw new MetricsPipelineException(e.getMessage(), e);
        }
      }, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new StorageUnavailableException("clickhouse sink is closed or overloaded"));
    }
  }

  /** Lets queued calls finish (up to a minute), then closes the client. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    connection.close();
  }

}
