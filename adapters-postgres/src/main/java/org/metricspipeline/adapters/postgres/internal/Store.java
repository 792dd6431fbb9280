package org.metricspipeline.adapters.postgres.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.MetricInfo;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.MetricPage;
import org.metricspipeline.api.timeseries.MetricSummary;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupInfo;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.SeriesId;
import org.metricspipeline.api.timeseries.TagValues;
import org.metricspipeline.core.QueryPlanner;

/** The blocking operations of the PostgreSQL store; the adapter runs them on its executor. */
public final class Store implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNameLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE).build())
      .build());
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private final Connections connections;
  private final Schema schema;
  private final Queries queries;
  private final Inserter inserter;
  private final Clock clock;
  private final boolean createSchema;
  private final int retentionBatchRows;
  private volatile boolean schemaReady;

  /** A store over {@code connections}. */
  public Store(Connections connections, Schema schema, Clock clock, boolean createSchema, int retentionBatchRows) {
    this.connections = connections;
    this.schema = schema;
    this.queries = new Queries(schema);
    this.inserter = new Inserter(connections, schema, clock);
    this.clock = clock;
    this.createSchema = createSchema;
    this.retentionBatchRows = retentionBatchRows;
  }

  /**
   * Creates the schema and tables when missing and records the layout version (idempotent, and
   * serialized across processes by an advisory lock); when schema creation is off, checks that the
   * tables exist.
   */
  public void ensureSchema() {
    if (schemaReady) {
      return;
    }
    synchronized (this) {
      if (schemaReady) {
        return;
      }
      if (createSchema) {
        connections.inTransaction(c -> {
          Connections.queryLong(c, new Sql("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(")
              .param(schema.raw()).add("))) AS l"));
          for (Sql ddl : schema.createStatements()) {
            Connections.update(c, ddl);
          }
          if (Connections.queryLong(c, schema.readVersion()) < Schema.VERSION) {
            Connections.update(c, schema.recordVersion(clock.millis()));
          }
          return null;
        });
      } else if (connections.queryLong(schema.countTables()) < schema.tableNames().size()) {
        throw new MetricsPipelineException("PostgreSQL tables of " + schema.raw()
            + " are missing and schema creation is off (create-schema=false)");
      }
      schemaReady = true;
    }
  }

  // ---- writes and reads

  /** See {@link Inserter#store}. */
  public MetricsBatchResult store(List<MetricsData> batch) {
    ensureSchema();
    return inserter.store(batch);
  }

  /** A page of points as items: consecutive points with one timestamp, type and source form an item. */
  public List<MetricsData> query(MetricsQuery q) {
    ensureSchema();
    List<MetricsData> items = new ArrayList<>();
    Object[] current = {null, null, null, null, null}; // time, type, source, metrics, context
    connections.query(queries.select(q), r -> {
      String type = r.getString(1);
      String name = r.getString(2);
      String unit = r.getString(3);
      String source = r.getString(4);
      Map<String, String> tags = tags(r, 5, 6);
      long time = r.getLong(7);
      double value = r.getDouble(8);
      String context = r.getString(9);
      if (current[0] == null || (long) current[0] != time || !type.equals(current[1]) || !source.equals(current[2])) {
        flush(items, current);
        current[0] = time;
        current[1] = type;
        current[2] = source;
        current[3] = new ArrayList<Metric>();
        current[4] = context;
      }
      @SuppressWarnings("unchecked")
      List<Metric> metrics = (List<Metric>) current[3];
      metrics.add(new Metric(name, value, unit, tags));
    });
    flush(items, current);
    return items;
  }

  @SuppressWarnings("unchecked")
  private static void flush(List<MetricsData> items, Object[] c) {
    if (c[0] == null) {
      return;
    }
    String context = (String) c[4];
    items.add(new MetricsData(Instant.ofEpochMilli((long) c[0]), (String) c[1], (List<Metric>) c[3],
        (String) c[2], context.isEmpty() ? Map.of() : parse(context)));
  }

  private static Map<String, Object> parse(String json) {
    try {
      return JSON.readValue(json, MAP);
    } catch (IOException e) {
      return Map.of("_unreadable_context", json);
    }
  }

  /** Tags from the parallel arrays in columns {@code keys} (text[]) and {@code values} (bytea[]). */
  static Map<String, String> tags(ResultSet r, int keys, int values) throws SQLException {
    String[] k = strings(r.getArray(keys));
    if (k.length == 0) {
      return Map.of();
    }
    Object[] v = (Object[]) r.getArray(values).getArray();
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < k.length && i < v.length; i++) {
      tags.put(k[i], new String((byte[]) v[i], StandardCharsets.UTF_8));
    }
    return tags;
  }

  private static String[] strings(Array a) throws SQLException {
    Object[] values = (Object[]) a.getArray();
    String[] out = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (String) values[i];
    }
    return out;
  }

  private static List<String> byteStrings(Array a) throws SQLException {
    Object[] values = (Object[]) a.getArray();
    List<String> out = new ArrayList<>(values.length);
    for (Object v : values) {
      out.add(new String((byte[]) v, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** An aggregation, planned as core's {@link QueryPlanner} plans it. */
  public AggregationResult aggregate(AggregationQuery q, QueryPlanner.Plan plan) {
    ensureSchema();
    if (plan.resolution().isEmpty()) {
      return q.function() == Aggregation.RATE ? rate(q) : plain(q, queries.aggregateRaw(q), plan.sources());
    }
    Resolution r = plan.resolution().get();
    if (q.function() == Aggregation.RATE) {
      // rate over rollups needs the buckets of a series merged in time order: core does that
      List<RollupBucket> stored = readRollups(new RollupQuery(q.metricName(), r, plan.stored(), q.tags(), q.metricType()));
      List<RollupBucket> tail = plan.tail().isEmpty() ? List.of()
          : computeRollups(new RollupQuery(q.metricName(), r, plan.tail().get(), q.tags(), q.metricType()));
      return QueryPlanner.combine(q, stored, tail, plan.sources());
    }
    return plain(q, queries.aggregateRollup(q, r, plan.stored(), plan.tail()), plan.sources());
  }

  private AggregationResult plain(AggregationQuery q, Sql sql, List<String> sources) {
    Groups groups = new Groups(q);
    int g = q.groupBy().size();
    connections.query(sql, r -> {
      List<String> values = groups.readKey(r);
      long bucket = r.getLong(g + 1);
      long count = r.getLong(g + 2);
      double sum = r.getDouble(g + 3);
      double min = r.getDouble(g + 4);
      double max = r.getDouble(g + 5);
      long first = r.getLong(g + 6);
      double value = switch (q.function()) {
        case COUNT -> count;
        case SUM -> sum;
        case AVG -> sum / count;
        case MIN -> min;
        case MAX -> max;
        case RATE -> throw new IllegalStateException("rate is not a plain aggregation");
      };
      groups.add(values, bucket, first, value, count);
    });
    return new AggregationResult(q, groups.finish(), sources);
  }

  private AggregationResult rate(AggregationQuery q) {
    Groups groups = new Groups(q);
    int g = q.groupBy().size();
    connections.query(queries.rateRaw(q), r -> {
      List<String> values = groups.readKey(r);
      long bucket = r.getLong(g + 1);
      double rate = r.getDouble(g + 2);
      long points = r.getLong(g + 3);
      long first = r.getLong(g + 4);
      groups.add(values, bucket, first, rate, points);
    });
    return new AggregationResult(q, groups.finish(), List.of(QueryPlanner.RAW));
  }

  /** Collects result rows ordered by group then bucket into {@link GroupResult}s. */
  private static final class Groups {
    private final AggregationQuery query;
    private final List<GroupResult> done = new ArrayList<>();
    private List<String> key;
    private List<Bucket> buckets;

    Groups(AggregationQuery query) {
      this.query = query;
    }

    List<String> readKey(ResultSet r) throws SQLException {
      List<String> values = new ArrayList<>(query.groupBy().size());
      for (int i = 0; i < query.groupBy().size(); i++) {
        values.add(new String(r.getBytes(i + 1), StandardCharsets.UTF_8));
      }
      return values;
    }

    /** A bucket; without a step it starts at the range's start, else at the group's first point. */
    void add(List<String> values, long bucket, long first, double value, long count) {
      if (!values.equals(key)) {
        flush();
        key = values;
        buckets = new ArrayList<>();
      }
      long start = query.step().isPresent() ? bucket
          : query.range().start().isPresent() ? query.range().startMillis() : first;
      buckets.add(new Bucket(Instant.ofEpochMilli(start), value, count));
    }

    private void flush() {
      if (key != null) {
        done.add(GroupResult.of(query.groupBy(), key, buckets));
      }
    }

    List<GroupResult> finish() {
      flush();
      key = null;
      return done;
    }
  }

  // ---- rollups

  /** See {@code RollupStorage#rollup}: the range's buckets are replaced in one transaction. */
  public long rollup(Resolution r, TimeRange range) {
    long res = r.millis();
    if (range.end().isEmpty()) {
      throw new IllegalArgumentException("rollup range must have an end");
    }
    if (range.start().isPresent() && Math.floorMod(range.startMillis(), res) != 0
        || Math.floorMod(range.endMillis(), res) != 0) {
      throw new IllegalArgumentException("rollup range " + range + " is not aligned to " + r.wireName());
    }
    ensureSchema();
    return connections.inTransaction(c -> {
      // one rollup of a resolution at a time, across processes too
      Connections.queryLong(c, new Sql("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(")
          .param(schema.rollup(r)).add("))) AS l"));
      Connections.update(c, queries.deleteRollups(r, range));
      long stored = Connections.update(c, queries.insertRollups(r, range));
      long[] current = {Long.MIN_VALUE};
      boolean[] present = {false};
      Connections.query(c, queries.readWatermark(r), row -> {
        current[0] = row.getLong(1);
        present[0] = true;
      });
      long to = range.endMillis();
      boolean contiguous = range.start().isEmpty() || (present[0]
          ? range.startMillis() <= current[0]
          : Connections.queryLong(c, queries.anyPointBefore(range.startMillis())) == 0);
      if (contiguous && (!present[0] || to > current[0])) {
        Connections.update(c, queries.writeWatermark(r, to, clock.millis()));
      }
      return stored;
    });
  }

  /** Stored buckets. */
  public List<RollupBucket> readRollups(RollupQuery q) {
    ensureSchema();
    return readBuckets(queries.readRollups(q), q.resolution());
  }

  /** Buckets computed from raw points. */
  public List<RollupBucket> computeRollups(RollupQuery q) {
    ensureSchema();
    return readBuckets(queries.computeRollups(q), q.resolution());
  }

  private List<RollupBucket> readBuckets(Sql sql, Resolution r) {
    List<RollupBucket> out = new ArrayList<>();
    SeriesId[] last = {null};
    connections.query(sql, row -> {
      SeriesId id = new SeriesId(row.getString(1), row.getString(3), row.getString(2), row.getString(4), tags(row, 5, 6));
      if (id.equals(last[0])) {
        id = last[0]; // one instance per series: core's combine groups by identity runs
      }
      last[0] = id;
      out.add(new RollupBucket(id, r, row.getLong(7), row.getLong(8), row.getDouble(9), row.getDouble(10),
          row.getDouble(11), row.getLong(12), row.getDouble(13), row.getLong(14), row.getDouble(15), row.getDouble(16)));
    });
    return out;
  }

  /** The watermark of a resolution. */
  public Optional<Instant> watermark(Resolution r) {
    ensureSchema();
    List<Instant> w = new ArrayList<>(1);
    connections.query(queries.readWatermark(r), row -> w.add(Instant.ofEpochMilli(row.getLong(1))));
    return w.stream().findFirst();
  }

  /** What is rolled up, by name then resolution. */
  public List<RollupInfo> listRollups() {
    ensureSchema();
    TreeMap<String, List<RollupInfo>> byName = new TreeMap<>(CodePoints::compare);
    for (Resolution r : Resolution.values()) {
      Optional<Instant> w = watermark(r);
      connections.query(queries.listRollups(r), row -> {
        String name = row.getString(1);
        byName.computeIfAbsent(name, k -> new ArrayList<>()).add(new RollupInfo(name, r, row.getLong(2),
            row.getLong(3), row.getLong(4), Instant.ofEpochMilli(row.getLong(5)), Instant.ofEpochMilli(row.getLong(6)), w));
      });
    }
    List<RollupInfo> out = new ArrayList<>();
    byName.values().forEach(out::addAll);
    return out;
  }

  // ---- retention

  /** Deletes raw points before the cutoff, in batches of bounded transactions. */
  public long deleteRawBefore(Instant cutoff) {
    ensureSchema();
    return deleteInBatches(schema.raw(), "timestamp_ms < " + cutoff.toEpochMilli());
  }

  /** Deletes rollup buckets ending at or before the cutoff. */
  public long deleteRollupsBefore(Resolution r, Instant cutoff) {
    ensureSchema();
    return deleteInBatches(schema.rollup(r), "start_ms <= " + (cutoff.toEpochMilli() - r.millis()));
  }

  private long deleteInBatches(String table, String condition) {
    long total = 0;
    while (true) {
      long deleted = connections.update(Queries.deleteBatch(table, condition, retentionBatchRows));
      total += deleted;
      if (deleted < retentionBatchRows) {
        return total;
      }
    }
  }

  // ---- discovery

  /** A page of metrics. */
  public MetricPage listMetrics(MetricListQuery q) {
    ensureSchema();
    long total = connections.queryLong(queries.countMetrics(q.search()));
    List<MetricSummary> page = new ArrayList<>();
    connections.query(queries.listMetrics(q), row -> page.add(summary(row)));
    return new MetricPage(page, q.page(), q.pageSize(), total);
  }

  /** One metric's details. */
  public Optional<MetricInfo> metricInfo(String name, int maxTagValues) {
    if (maxTagValues < 1) {
      throw new IllegalArgumentException("maxTagValues must be >= 1, got " + maxTagValues);
    }
    ensureSchema();
    List<MetricSummary> found = new ArrayList<>(1);
    connections.query(queries.metricSummary(name), row -> found.add(summary(row)));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Map<String, TagValues> tags = new LinkedHashMap<>();
    connections.query(queries.tagValues(name, maxTagValues),
        row -> tags.put(row.getString(1), new TagValues(byteStrings(row.getArray(3)), row.getLong(2))));
    return Optional.of(new MetricInfo(found.get(0), tags));
  }

  private static MetricSummary summary(ResultSet row) throws SQLException {
    return new MetricSummary(row.getString(1), List.of(strings(row.getArray(2))), List.of(strings(row.getArray(3))),
        row.getLong(4), row.getLong(5), Instant.ofEpochMilli(row.getLong(6)), Instant.ofEpochMilli(row.getLong(7)));
  }

  // ---- health

  /** Reachability, schema, and the latency of a query; unhealthy with the reason when unusable. */
  public HealthCheckResult health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("url", connections.url());
    details.put("table", schema.schemaName() + "." + schema.tableName());
    try {
      long t0 = System.nanoTime();
      connections.queryLong(new Sql("SELECT 1"));
      details.put("ping_ms", millisSince(t0));
      long found = connections.queryLong(schema.countTables());
      if (found < schema.tableNames().size()) {
        if (!createSchema) {
          details.put("reason", "schema missing: " + found + " of " + schema.tableNames().size() + " tables found");
          return new HealthCheckResult(HealthStatus.UNHEALTHY, details);
        }
        schemaReady = false;
        ensureSchema();
      }
      details.put("schema_version", connections.queryLong(schema.readVersion()));
      long t1 = System.nanoTime();
      details.put("points_estimate", connections.queryLong(queries.rawRowEstimate()));
      details.put("query_ms", millisSince(t1));
      details.put("unsettled_inserts", inserter.unsettledInserts());
      return HealthCheckResult.healthy(details);
    } catch (MetricsPipelineException e) {
      details.put("reason", e.getMessage());
      return new HealthCheckResult(HealthStatus.UNHEALTHY, details);
    }
  }

  private static double millisSince(long t0) {
    return Math.round((System.nanoTime() - t0) / 10_000.0) / 100.0;
  }

  @Override
  public void close() {
    connections.close();
  }
}
