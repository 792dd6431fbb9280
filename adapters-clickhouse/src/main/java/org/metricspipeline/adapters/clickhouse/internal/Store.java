package org.metricspipeline.adapters.clickhouse.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
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

/** The blocking operations of the ClickHouse store; the adapter runs them on its executor. */
public final class Store implements AutoCloseable {

  private static final long DAY_MILLIS = 86_400_000L;

  private final Connection connection;
  private final Schema schema;
  private final Queries queries;
  private final Inserter inserter;
  private final Mutations mutations;
  private final Clock clock;
  private final boolean createSchema;
  private final int insertQuorum;
  private final Map<Resolution, Object> rollupLocks = new EnumMap<>(Resolution.class);
  private final Map<Resolution, AtomicLong> lastVersion = new EnumMap<>(Resolution.class);
  private final Map<Resolution, AtomicInteger> replacing = new EnumMap<>(Resolution.class);
  private final Object retentionLock = new Object();
  private volatile boolean schemaReady;

  /** A store over {@code connection}. */
  public Store(Connection connection, Schema schema, int maxRows, int maxBytes, Duration mutationTimeout,
      Clock clock, boolean createSchema, int insertQuorum, Map<String, String> insertSettings) {
    this.connection = connection;
    this.insertQuorum = insertQuorum;
    this.schema = schema;
    this.queries = new Queries(schema);
    this.mutations = new Mutations(connection, queries, mutationTimeout);
    this.inserter = new Inserter(connection, queries, maxRows, maxBytes, mutations, insertSettings);
    this.clock = clock;
    this.createSchema = createSchema;
    for (Resolution r : Resolution.values()) {
      rollupLocks.put(r, new Object());
      lastVersion.put(r, new AtomicLong(-1));
      replacing.put(r, new AtomicInteger());
    }
  }

  /** The statements this store sends. */
  public Queries queries() {
    return queries;
  }

  /**
   * Creates the database and tables when missing and records the layout version (idempotent);
   * when schema creation is off, checks that the tables exist.
   */
  public void ensureSchema() {
    if (schemaReady) {
      return;
    }
    synchronized (this) {
      if (schemaReady) {
        return;
      }
      if (schema.cluster().isPresent()) {
        findClusterServers();
      }
      if (createSchema) {
        for (String ddl : schema.createStatements()) {
          connection.execute(ddl);
        }
        if (connection.queryLong(schema.readVersion()) < Schema.VERSION) {
          connection.execute(schema.recordVersion(clock.millis()));
        }
      } else if (connection.queryLong(schema.countTables()) < schema.tableCount()) {
        throw new MetricsPipelineException("ClickHouse tables of " + schema.raw()
            + " are missing and schema creation is off (create-schema=false)");
      }
      schemaReady = true;
    }
  }

  /** Reads the cluster's servers from the entry server; fails naming the cluster when it has none. */
  private void findClusterServers() {
    List<String> servers = new ArrayList<>();
    connection.query(queries.clusterServers(), row -> servers.add(row.string() + ":" + row.string()));
    if (servers.isEmpty()) {
      String name = schema.cluster().get().name();
      throw new MetricsPipelineException("cluster '" + name + "' is not in the remote_servers of ClickHouse at "
          + connection.url() + " (option cluster: a name from SELECT cluster FROM system.clusters)");
    }
    queries.servers(servers);
    if (insertQuorum >= 2) {
      // insert_quorum reaches every shard through the Distributed table: each needs that many replicas
      long fewest = connection.queryLong(queries.fewestReplicasOfAShard());
      if (fewest < insertQuorum) {
        throw new MetricsPipelineException("insertQuorum " + insertQuorum + " needs at least " + insertQuorum
            + " replicas in every shard of cluster '" + schema.cluster().get().name() + "', which has a shard of "
            + fewest + " (option insert-quorum: at most the replicas of the smallest shard)");
      }
    }
  }

  // ---- writes and reads

  /** See {@link Inserter#store}. */
  public MetricsBatchResult store(List<MetricsData> batch) {
    ensureSchema();
    return inserter.store(batch);
  }

  /** A page of points as items. */
  public List<MetricsData> query(MetricsQuery q) {
    ensureSchema();
    return RawRows.readItems(connection, queries.select(q));
  }

  /** An aggregation, planned as core's {@link QueryPlanner} plans it. */
  public AggregationResult aggregate(AggregationQuery q, QueryPlanner.Plan plan) {
    ensureSchema();
    if (plan.resolution().isEmpty()) {
      return q.function() == Aggregation.RATE ? rate(q) : plain(q, queries.aggregateRaw(q), plan.sources());
    }
    if (q.function() == Aggregation.RATE) {
      // rate over rollups needs the buckets of a series merged in time order: core does that
      Resolution r = plan.resolution().get();
      List<RollupBucket> stored = readRollups(new RollupQuery(q.metricName(), r, plan.stored(), q.tags(), q.metricType()));
      List<RollupBucket> tail = plan.tail().isEmpty() ? List.of()
          : computeRollups(new RollupQuery(q.metricName(), r, plan.tail().get(), q.tags(), q.metricType()));
      return QueryPlanner.combine(q, stored, tail, plan.sources());
    }
    Resolution r = plan.resolution().get();
    return plain(q, queries.aggregateRollup(q, r, plan.stored(), plan.tail(), newestOnly(r)), plan.sources());
  }

  private AggregationResult plain(AggregationQuery q, String sql, List<String> sources) {
    Groups groups = new Groups(q);
    connection.query(sql, r -> {
      List<String> values = groups.readKey(r);
      long bucket = r.int64();
      long count = r.int64();
      double sum = r.float64();
      double min = r.float64();
      double max = r.float64();
      long first = r.int64();
      if (count == 0) {
        return; // GROUP BY a constant answers empty input with one empty row: no group
      }
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
    connection.query(queries.rateRaw(q), r -> {
      List<String> values = groups.readKey(r);
      long bucket = r.int64();
      double rate = r.float64();
      long points = r.int64();
      long first = r.int64();
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

    List<String> readKey(RowBinary.Reader r) throws IOException {
      List<String> values = new ArrayList<>(query.groupBy().size());
      for (int i = 0; i < query.groupBy().size(); i++) {
        values.add(r.string());
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

  /** See {@code RollupStorage#rollup}. */
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
    synchronized (rollupLocks.get(r)) {
      // new rows first, then the old ones go: readers see the newest version of each bucket
      AtomicLong last = lastVersion.get(r);
      if (last.get() < 0) {
        last.set(connection.queryLong(queries.maxRollupVersion(r)));
      }
      long version = Math.max(clock.millis(), last.get() + 1);
      last.set(version);
      replacing.get(r).incrementAndGet();
      try {
        connection.execute(queries.insertRollups(r, range, version));
        connection.execute(queries.deleteRollups(r, range, version));
        mutations.await(schema.rollupName(r));
      } finally {
        replacing.get(r).decrementAndGet();
      }
      long stored = connection.queryLong(Queries.countWhere(schema.rollup(r), "version = " + version));
      Optional<Instant> current = watermark(r);
      long to = range.endMillis();
      boolean contiguous = range.start().isEmpty() || (current.isPresent()
          ? range.startMillis() <= current.get().toEpochMilli()
          : connection.queryLong(queries.anyPointBefore(range.startMillis())) == 0);
      if (contiguous && (current.isEmpty() || to > current.get().toEpochMilli())) {
        connection.execute(queries.writeWatermark(r, to, clock.millis()));
      }
      return stored;
    }
  }

  /** Stored buckets. */
  public List<RollupBucket> readRollups(RollupQuery q) {
    ensureSchema();
    return readBuckets(queries.readRollups(q, newestOnly(q.resolution())), q.resolution());
  }

  /**
   * Whether stored buckets of {@code r} may exist in two versions now: while a rollup of this store
   * replaces a range, or while any rollup's delete mutation on the table is pending (another
   * process's rollup). Readers then take the newest version of each bucket.
   */
  private boolean newestOnly(Resolution r) {
    return replacing.get(r).get() > 0 || connection.queryLong(queries.pendingMutations(schema.rollupName(r))) > 0;
  }

  /** Buckets computed from raw points. */
  public List<RollupBucket> computeRollups(RollupQuery q) {
    ensureSchema();
    return readBuckets(queries.computeRollups(q), q.resolution());
  }

  private List<RollupBucket> readBuckets(String sql, Resolution r) {
    List<RollupBucket> out = new ArrayList<>();
    SeriesId[] last = {null};
    connection.query(sql, row -> {
      String type = row.string();
      String name = row.string();
      String source = row.string();
      String unit = row.string();
      Map<String, String> tags = RawRows.tags(row.strings(), row.strings());
      SeriesId id = new SeriesId(type, source, name, unit, tags);
      if (id.equals(last[0])) {
        id = last[0]; // one instance per series: core's combine groups by identity runs
      }
      last[0] = id;
      out.add(new RollupBucket(id, r, row.int64(), row.int64(), row.float64(), row.float64(), row.float64(),
          row.int64(), row.float64(), row.int64(), row.float64(), row.float64()));
    });
    return out;
  }

  /** The watermark of a resolution. */
  public Optional<Instant> watermark(Resolution r) {
    ensureSchema();
    long[] w = {0, 0};
    connection.query(queries.readWatermark(r), row -> {
      w[0] = row.int64();
      w[1] = row.int64();
    });
    return w[1] == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(w[0]));
  }

  /** What is rolled up, by name then resolution. */
  public List<RollupInfo> listRollups() {
    ensureSchema();
    TreeMap<String, List<RollupInfo>> byName = new TreeMap<>(CodePoints::compare);
    for (Resolution r : Resolution.values()) {
      Optional<Instant> w = watermark(r);
      connection.query(queries.listRollups(r, newestOnly(r)), row -> {
        String name = row.string();
        long series = row.int64();
        long buckets = row.int64();
        long points = row.int64();
        long first = row.int64();
        long last = row.int64();
        byName.computeIfAbsent(name, k -> new ArrayList<>()).add(new RollupInfo(name, r, series, buckets, points,
            Instant.ofEpochMilli(first), Instant.ofEpochMilli(last), w));
      });
    }
    List<RollupInfo> out = new ArrayList<>();
    byName.values().forEach(out::addAll);
    return out;
  }

  // ---- retention

  /** Deletes raw points before the cutoff: whole days by DROP PARTITION, the rest by ALTER DELETE. */
  public long deleteRawBefore(Instant cutoff) {
    ensureSchema();
    String condition = "timestamp_ms < " + cutoff.toEpochMilli();
    return deleteBefore(schema.raw(), schema.tableName(), condition, cutoff.toEpochMilli());
  }

  /** Deletes rollup buckets ending at or before the cutoff. */
  public long deleteRollupsBefore(Resolution r, Instant cutoff) {
    ensureSchema();
    String condition = "start_ms <= " + (cutoff.toEpochMilli() - r.millis());
    return deleteBefore(schema.rollup(r), schema.rollupName(r), condition, cutoff.toEpochMilli());
  }

  private long deleteBefore(String table, String tableName, String condition, long cutoff) {
    synchronized (retentionLock) {
      long count = connection.queryLong(Queries.countWhere(table, condition));
      if (count == 0) {
        return 0;
      }
      // every row of a day partition lies before the cutoff when the day ends at or before it
      int cutoffDay = RawRows.day(Math.floorDiv(cutoff, DAY_MILLIS) * DAY_MILLIS);
      if (cutoff >= 0) {
        List<String> partitions = new ArrayList<>();
        connection.query(queries.partitionsBefore(tableName, cutoffDay), row -> partitions.add(row.string()));
        for (String p : partitions) {
          connection.execute(queries.dropPartition(tableName, p));
        }
      }
      if (connection.queryLong(Queries.countWhere(table, condition)) > 0) {
        connection.execute(queries.deleteWhere(tableName, condition));
        mutations.await(tableName);
      }
      return count;
    }
  }

  // ---- discovery

  /** A page of metrics. */
  public MetricPage listMetrics(MetricListQuery q) {
    ensureSchema();
    long total = connection.queryLong(queries.countMetrics(q.search()));
    List<MetricSummary> page = new ArrayList<>();
    connection.query(queries.listMetrics(q), row -> page.add(summary(row)));
    return new MetricPage(page, q.page(), q.pageSize(), total);
  }

  /** One metric's details. */
  public Optional<MetricInfo> metricInfo(String name, int maxTagValues) {
    if (maxTagValues < 1) {
      throw new IllegalArgumentException("maxTagValues must be >= 1, got " + maxTagValues);
    }
    ensureSchema();
    List<MetricSummary> found = new ArrayList<>(1);
    connection.query(queries.metricSummary(name), row -> found.add(summary(row)));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Map<String, TagValues> tags = new LinkedHashMap<>();
    connection.query(queries.tagValues(name, maxTagValues), row -> {
      String key = row.string();
      long distinct = row.int64();
      tags.put(key, new TagValues(row.strings(), distinct));
    });
    return Optional.of(new MetricInfo(found.get(0), tags));
  }

  private static MetricSummary summary(RowBinary.Reader row) throws IOException {
    String name = row.string();
    List<String> types = row.strings();
    List<String> units = row.strings();
    long series = row.int64();
    long points = row.int64();
    long first = row.int64();
    long last = row.int64();
    return new MetricSummary(name, types, units, series, points, Instant.ofEpochMilli(first), Instant.ofEpochMilli(last));
  }

  // ---- health

  /**
   * Reachability, schema, and the latency of a one-row insert and of a query; unhealthy with the
   * reason when the server cannot be used.
   */
  public HealthCheckResult health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("url", connection.url());
    details.put("table", schema.raw().replace("`", ""));
    try {
      long t0 = System.nanoTime();
      connection.queryLong("SELECT toUInt64(1)");
      details.put("ping_ms", millisSince(t0));
      long found = connection.queryLong(schema.countTables());
      if (found < schema.tableCount()) {
        if (!createSchema) {
          details.put("reason", "schema missing: " + found + " of " + schema.tableCount() + " tables found");
          return new HealthCheckResult(HealthStatus.UNHEALTHY, details);
        }
        schemaReady = false;
        ensureSchema();
      }
      details.put("schema_version", connection.queryLong(schema.readVersion()));
      long t1 = System.nanoTime();
      connection.execute(schema.healthProbe(clock.millis()));
      details.put("insert_ms", millisSince(t1));
      long t2 = System.nanoTime();
      details.put("points", connection.queryLong(queries.rawRowCount()));
      details.put("query_ms", millisSince(t2));
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
    connection.close();
  }
}
