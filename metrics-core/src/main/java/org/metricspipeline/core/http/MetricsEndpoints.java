package org.metricspipeline.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.ValidationError;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.MetricSummary;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupInfo;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.StorageCapabilities;
import org.metricspipeline.core.DecodedBatch;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.core.QueryPlanner;
import org.metricspipeline.core.internal.HealthCache;
import org.metricspipeline.core.internal.HttpJson;
import org.metricspipeline.core.internal.RequestFields;
import org.metricspipeline.core.internal.Timestamps;

/**
 * The library's HTTP API as framework-neutral {@link HttpEndpoint}s: seed 004's time-series API and
 * seed 000's whole-item ingestion. Mount them with {@code adapters-http}'s server or, in a service
 * with its own web stack, through an {@link EndpointRouter}.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /}</td><td>service name, storage name and the endpoint list</td></tr>
 *   <tr><td>{@code GET /health}</td><td>the health source's result (seed 004's answer); 503 when
 *       unhealthy</td></tr>
 *   <tr><td>{@code GET /health/live}</td><td>liveness: 200 whenever the process answers HTTP; it
 *       asks nothing of the store, so a storage outage never makes an orchestrator restart the
 *       service (and drop what it buffers)</td></tr>
 *   <tr><td>{@code GET /health/ready}</td><td>readiness: 200 when the store is reachable (healthy or
 *       degraded), 503 when not</td></tr>
 *   <tr><td>{@code GET /db/status}</td><td>storage health: {@code connected}, {@code degraded} or
 *       {@code disconnected} (503)</td></tr>
 *   <tr><td>{@code POST /metrics/ingest}</td><td>one seed-004 metric {@code {metric_name, value,
 *       timestamp, labels}}: stored as a {@link MetricsData} of type {@link Builder#defaultMetricType}
 *       (default {@value #DEFAULT_METRIC_TYPE}) and source {@value #SOURCE}, one metric whose tags
 *       are the labels; a missing timestamp means now</td></tr>
 *   <tr><td>{@code GET /metrics/list}</td><td>{@code page}, {@code page_size}, {@code search}</td></tr>
 *   <tr><td>{@code GET /metrics/{metric_name}/info}</td><td>{@code max_tag_values}; 404 when the
 *       metric has no point</td></tr>
 *   <tr><td>{@code POST /query}</td><td>{@code {metric_name, start_time, end_time, labels, function,
 *       step, group_by, source, metric_type, limit}}; {@code function} is one of sum, avg, min, max,
 *       count, rate, raw (default avg); {@code step} like {@code 60s}, {@code 1m}; {@code source}
 *       auto (default), raw, 1m, 5m, 1h</td></tr>
 *   <tr><td>{@code GET /query/raw}</td><td>{@code metric_name, start_time, end_time, labels} (a JSON
 *       object), {@code limit, offset}</td></tr>
 *   <tr><td>{@code GET /query/rollup}</td><td>{@code metric_name, window} (1m, 5m, 1h),
 *       {@code start_time, end_time, labels}</td></tr>
 *   <tr><td>{@code GET /rollups}</td><td>what is rolled up; optional {@code metric_name}</td></tr>
 *   <tr><td>{@code POST /api/v1/ingest}</td><td>one seed-000 item or an array; answers a
 *       {@link MetricsBatchResult} naming every rejected item (400 when none was accepted)</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>{@link PrometheusText Prometheus text} of
 *       {@link Builder#telemetry} (by default the store's figures when it is
 *       {@link SelfMeasuring}; pass {@code pipeline::measurements} for the pipeline's, which include
 *       its adapters'); the guard's richer {@code GET /metrics} replaces it where mounted</td></tr>
 * </table>
 *
 * <p>Times are ISO-8601 with an offset or epoch milliseconds; ranges are half-open
 * {@code [start_time, end_time)}. Every bad input answers 400 in the {@link ErrorBody} format with
 * the path of each field at fault; a store without discovery or rollups answers 501.
 *
 * <p>Ingestion hands valid items to the sink given by {@link Builder#ingest}: by default the store
 * itself (200 once stored); the HTTP server passes its channel (202 once queued, or 200 once stored).
 * A request with more items than {@link Builder#maxItemsPerRequest} can never be taken and answers
 * 413 with the limit in {@code details.max_items} (not a retryable 503).
 *
 * <p>Health answers ({@code /health}, {@code /health/ready}, {@code /db/status}) are reused for
 * {@link Builder#healthCacheTtl} [{@value #DEFAULT_HEALTH_CACHE_SECONDS} s], so frequent probes cost
 * the store at most one check per period (a ClickHouse check writes a probe row).
 */
public final class MetricsEndpoints {

  /** Metric type of items made from seed 004's single metrics. */
  public static final String DEFAULT_METRIC_TYPE = "gauge";
  /** Source of items made from seed 004's single metrics. */
  public static final String SOURCE = "http";
  /** Default {@code limit} of raw queries. */
  public static final int DEFAULT_RAW_LIMIT = 1000;
  /** Default seconds a health answer is reused. */
  public static final int DEFAULT_HEALTH_CACHE_SECONDS = 2;

  private final StorageAdapter storage;
  private final Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink;
  private final int ingestStatus;
  private final Supplier<CompletableFuture<HealthCheckResult>> health;
  private final Supplier<CompletableFuture<HealthCheckResult>> storageHealth;
  private final int maxItems;
  private final MetricsValidator validator;
  private final String metricType;
  private final Clock clock;
  private final Supplier<? extends List<Measurement>> telemetry;
  private final List<HttpEndpoint> endpoints;

  private MetricsEndpoints(Builder b) {
    this.storage = b.storage;
    this.sink = b.sink != null ? b.sink : storage::batchStore;
    this.ingestStatus = b.sink != null ? b.ingestStatus : 200;
    this.storageHealth = new HealthCache(storage::healthCheck, b.healthCacheTtl, b.clock);
    this.health = b.health != null ? new HealthCache(b.health, b.healthCacheTtl, b.clock) : storageHealth;
    this.maxItems = b.maxItems;
    this.validator = b.validator;
    this.metricType = b.metricType;
    this.clock = b.clock;
    this.telemetry = b.telemetry != null ? b.telemetry
        : () -> storage instanceof SelfMeasuring m ? m.measurements() : List.of();
    List<HttpEndpoint> list = new ArrayList<>();
    list.add(HttpEndpoint.of("GET", "/", EndpointKind.HEALTH, guard(this::root)));
    list.add(HttpEndpoint.of("GET", "/health", EndpointKind.HEALTH, guard(this::health)));
    list.add(HttpEndpoint.of("GET", "/health/live", EndpointKind.HEALTH, guard(this::live)));
    list.add(HttpEndpoint.of("GET", "/health/ready", EndpointKind.HEALTH, guard(this::ready)));
    list.add(HttpEndpoint.of("GET", "/db/status", EndpointKind.HEALTH, guard(this::dbStatus)));
    list.add(HttpEndpoint.of("POST", "/metrics/ingest", EndpointKind.INGESTION, guard(this::ingestOne)));
    list.add(HttpEndpoint.of("GET", "/metrics/list", EndpointKind.GENERAL, guard(this::listMetrics)));
    list.add(HttpEndpoint.of("GET", "/metrics/{metric_name}/info", EndpointKind.GENERAL, guard(this::metricInfo)));
    list.add(HttpEndpoint.of("POST", "/query", EndpointKind.GENERAL, guard(this::query)));
    list.add(HttpEndpoint.of("GET", "/query/raw", EndpointKind.GENERAL, guard(this::queryRaw)));
    list.add(HttpEndpoint.of("GET", "/query/rollup", EndpointKind.GENERAL, guard(this::queryRollup)));
    list.add(HttpEndpoint.of("GET", "/rollups", EndpointKind.GENERAL, guard(this::rollups)));
    list.add(HttpEndpoint.of("POST", "/api/v1/ingest", EndpointKind.INGESTION, guard(this::ingestItems)));
    list.add(HttpEndpoint.of("GET", PrometheusText.PATH, EndpointKind.GENERAL,
        guard(r -> done(PrometheusText.response(telemetry.get())))));
    this.endpoints = List.copyOf(list);
  }

  /** A builder answering queries from {@code storage}. */
  public static Builder builder(StorageAdapter storage) {
    return new Builder(storage);
  }

  /** The endpoints, in the order of the table above. */
  public List<HttpEndpoint> endpoints() {
    return endpoints;
  }

  private Function<EndpointRequest, CompletableFuture<EndpointResponse>> guard(
      Function<EndpointRequest, CompletableFuture<EndpointResponse>> handler) {
    return request -> {
      try {
        return handler.apply(request).exceptionally(t -> ErrorBody.fromThrowable(t, clock));
      } catch (RuntimeException e) {
        return CompletableFuture.completedFuture(ErrorBody.fromThrowable(e, clock));
      }
    };
  }

  private static CompletableFuture<EndpointResponse> done(EndpointResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static EndpointResponse ok(int status, Object body) {
    return EndpointResponse.json(status, HttpJson.write(body));
  }

  /** A request body read as a JSON object, or the 400 answer saying why it is not one. */
  private record ObjectBody(JsonNode node, CompletableFuture<EndpointResponse> refusal) {}

  private ObjectBody objectBody(EndpointRequest r, RequestFields f) {
    JsonNode n;
    try {
      n = HttpJson.read(r.body());
    } catch (HttpJson.BadJsonException e) {
      return new ObjectBody(null, done(ErrorBody.invalidField("", e.getMessage(), clock)));
    }
    if (!n.isObject()) {
      f.error("", "the body must be a JSON object, got " + RequestFields.kind(n));
      return new ObjectBody(null, invalid(f));
    }
    return new ObjectBody(n, null);
  }

  private CompletableFuture<EndpointResponse> invalid(RequestFields f) {
    return done(ErrorBody.validation(f.errors(), clock));
  }

  // ---- health ----

  private CompletableFuture<EndpointResponse> root(EndpointRequest r) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", "metrics-pipeline");
    body.put("status", "ok");
    body.put("storage", storage.name());
    body.put("endpoints", endpoints.stream().map(e -> e.method() + " " + e.pathPattern()).toList());
    return done(ok(200, body));
  }

  private CompletableFuture<EndpointResponse> health(EndpointRequest r) {
    return health.get().thenApply(h -> EndpointResponse.json(
        h.status() == HealthStatus.UNHEALTHY ? 503 : 200, MetricsJson.encode(h)));
  }

  private CompletableFuture<EndpointResponse> live(EndpointRequest r) {
    return done(EndpointResponse.json(200, MetricsJson.encode(HealthCheckResult.healthy(Map.of("check", "liveness")))));
  }

  private CompletableFuture<EndpointResponse> ready(EndpointRequest r) {
    return storageHealth.get().thenApply(h -> {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("check", "readiness");
      details.put("storage", storage.name());
      details.put("storage_status", h.status().wireName());
      Object reason = h.details().get("reason");
      if (reason != null) {
        details.put("reason", reason);
      }
      boolean ready = h.status() != HealthStatus.UNHEALTHY;
      return EndpointResponse.json(ready ? 200 : 503,
          MetricsJson.encode(new HealthCheckResult(ready ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY, details)));
    });
  }

  private CompletableFuture<EndpointResponse> dbStatus(EndpointRequest r) {
    return storageHealth.get().thenApply(h -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", switch (h.status()) {
        case HEALTHY -> "connected";
        case DEGRADED -> "degraded";
        case UNHEALTHY -> "disconnected";
      });
      body.put("storage", storage.name());
      body.put("details", h.details());
      return ok(h.status() == HealthStatus.UNHEALTHY ? 503 : 200, body);
    });
  }

  // ---- ingestion ----

  private CompletableFuture<EndpointResponse> ingestOne(EndpointRequest r) {
    RequestFields f = new RequestFields();
    ObjectBody parsed = objectBody(r, f);
    if (parsed.refusal() != null) {
      return parsed.refusal();
    }
    JsonNode n = parsed.node();
    String name = f.text(n, "metric_name", true);
    Double value = f.number(n, "value", true);
    Instant ts = f.time(n, "timestamp");
    Map<String, String> labels = f.labels(n.get("labels"), "labels");
    if (!f.ok()) {
      return invalid(f);
    }
    MetricsData item = new MetricsData(ts != null ? ts : Instant.now(clock), metricType,
        List.of(Metric.of(name, value, labels)), SOURCE, Map.of());
    MetricsValidationResult v = validator.validate(item);
    if (!v.valid()) {
      List<ValidationError> mapped = new ArrayList<>();
      for (ValidationError e : v.errors()) {
        mapped.add(new ValidationError(seed004Path(e.field()), e.message()));
      }
      return done(ErrorBody.validation(mapped, clock));
    }
    return sink.apply(List.of(item)).thenApply(result -> {
      if (!result.allSucceeded()) {
        MetricsBatchResult.Failure failure = result.failures().get(0);
        if (!failure.errors().isEmpty()) {
          return ErrorBody.validation(failure.errors(), clock);
        }
        return ErrorBody.invalidField("", failure.reason(), clock);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", ingestStatus == 202 ? "accepted" : "stored");
      body.put("metric_name", name);
      body.put("timestamp", Timestamps.formatMillis(item.timestamp()));
      return ok(ingestStatus, body);
    });
  }

  private static String seed004Path(String field) {
    if (field.startsWith("metrics[0].name")) {
      return "metric_name";
    }
    if (field.startsWith("metrics[0].value")) {
      return "value";
    }
    if (field.startsWith("metrics[0].tags")) {
      return "labels" + field.substring("metrics[0].tags".length());
    }
    return field;
  }

  private CompletableFuture<EndpointResponse> ingestItems(EndpointRequest r) {
    byte[] body = r.bodyBytes(); // read only: a copy of a 1,000-point body is 75 KB per request
    boolean single = firstNonBlank(body) == '{';
    DecodedBatch batch;
    try {
      batch = MetricsJson.decodeBatch(body);
    } catch (MetricsValidationException e) {
      return done(ErrorBody.validation(e.errors(), clock));
    }
    List<MetricsBatchResult.Failure> failures = new ArrayList<>();
    List<MetricsData> valid = new ArrayList<>();
    List<Integer> validIndex = new ArrayList<>();
    for (DecodedBatch.Item item : batch.items()) {
      if (item.data().isEmpty()) {
        failures.add(MetricsBatchResult.Failure.invalid(item.index(), MetricsValidationResult.of(item.errors())));
        continue;
      }
      MetricsValidationResult v = validator.validate(item.data().get());
      if (v.valid()) {
        valid.add(item.data().get());
        validIndex.add(item.index());
      } else {
        failures.add(MetricsBatchResult.Failure.invalid(item.index(), v));
      }
    }
    if (batch.size() == 0) {
      return done(ErrorBody.invalidField("", "the array is empty; send at least one item", clock));
    }
    if (batch.size() > maxItems) {
      return done(tooManyItems(batch.size(), maxItems, clock));
    }
    CompletableFuture<MetricsBatchResult> stored = valid.isEmpty()
        ? CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(0)) : sink.apply(valid);
    return stored.thenApply(result -> {
      List<MetricsBatchResult.Failure> all = new ArrayList<>(failures);
      for (MetricsBatchResult.Failure f : result.failures()) {
        all.add(new MetricsBatchResult.Failure(validIndex.get(f.index()), f.reason(), f.errors()));
      }
      all.sort((a, b) -> Integer.compare(a.index(), b.index()));
      MetricsBatchResult combined = MetricsBatchResult.of(batch.size(), all);
      if (combined.successCount() > 0) {
        return EndpointResponse.json(ingestStatus, MetricsJson.encode(combined));
      }
      List<ValidationError> errors = new ArrayList<>();
      for (MetricsBatchResult.Failure f : all) {
        String prefix = single ? "" : "[" + f.index() + "]";
        if (f.errors().isEmpty()) {
          errors.add(new ValidationError(prefix, f.reason()));
        }
        for (ValidationError e : f.errors()) {
          String path = single ? e.field() : prefix + (e.field().isEmpty() || e.field().startsWith("[") ? "" : ".") + e.field();
          errors.add(new ValidationError(path, e.message()));
        }
      }
      return ErrorBody.validation(errors, clock);
    });
  }

  /**
   * The 413 for a request that can never be taken whole: retrying it cannot help, so it is not a
   * 503; split it into requests of at most {@code max} items.
   */
  public static EndpointResponse tooManyItems(long items, int max, Clock clock) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("items", items);
    details.put("max_items", max);
    return ErrorBody.response(413, ErrorBody.PAYLOAD_TOO_LARGE, "the request holds " + items
        + " items, more than the " + max + " one request may hold; split it into smaller requests", details, clock);
  }

  private static int firstNonBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return b;
      }
    }
    return -1;
  }

  // ---- discovery ----

  private CompletableFuture<EndpointResponse> listMetrics(EndpointRequest r) {
    RequestFields f = new RequestFields();
    int page = f.integer(r.queryParam("page").orElse(null), "page", 1, 1, Integer.MAX_VALUE);
    int size = f.integer(r.queryParam("page_size").orElse(null), "page_size",
        MetricListQuery.DEFAULT_PAGE_SIZE, 1, MetricListQuery.MAX_PAGE_SIZE);
    if (!f.ok()) {
      return invalid(f);
    }
    return StorageCapabilities.discovery(storage)
        .listMetrics(new MetricListQuery(page, size, r.queryParam("search").orElse("")))
        .thenApply(p -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("metrics", p.metrics().stream().map(MetricsEndpoints::summary).toList());
          body.put("page", p.page());
          body.put("page_size", p.pageSize());
          body.put("total", p.total());
          body.put("has_next", p.hasNext());
          return ok(200, body);
        });
  }

  private static Map<String, Object> summary(MetricSummary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("metric_types", s.metricTypes());
    m.put("units", s.units());
    m.put("series_count", s.seriesCount());
    m.put("point_count", s.pointCount());
    m.put("first_seen", Timestamps.formatMillis(s.firstSeen()));
    m.put("last_seen", Timestamps.formatMillis(s.lastSeen()));
    return m;
  }

  private CompletableFuture<EndpointResponse> metricInfo(EndpointRequest r) {
    RequestFields f = new RequestFields();
    String name = r.pathParam("metric_name").orElse("");
    int max = f.integer(r.queryParam("max_tag_values").orElse(null), "max_tag_values", 100, 1, 10_000);
    if (!f.ok()) {
      return invalid(f);
    }
    return StorageCapabilities.discovery(storage).metricInfo(name, max).thenApply(info -> {
      if (info.isEmpty()) {
        return ErrorBody.response(404, ErrorBody.NOT_FOUND, "metric '" + name + "' has no data",
            Map.of("metric_name", name), clock);
      }
      Map<String, Object> body = summary(info.get().summary());
      Map<String, Object> tags = new LinkedHashMap<>();
      info.get().tags().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("values", e.getValue().values());
        t.put("distinct_count", e.getValue().distinctCount());
        t.put("truncated", e.getValue().truncated());
        tags.put(e.getKey(), t);
      });
      body.put("labels", tags);
      return ok(200, body);
    });
  }

  // ---- queries ----

  private TimeRange range(RequestFields f, Instant start, Instant end) {
    if (start != null && end != null) {
      if (!start.isBefore(end)) {
        f.error("end_time", "must be after start_time");
        return TimeRange.all();
      }
      return TimeRange.between(start, end);
    }
    if (start != null) {
      return TimeRange.from(start);
    }
    return end != null ? TimeRange.until(end) : TimeRange.all();
  }

  private CompletableFuture<EndpointResponse> query(EndpointRequest r) {
    RequestFields f = new RequestFields();
    ObjectBody parsed = objectBody(r, f);
    if (parsed.refusal() != null) {
      return parsed.refusal();
    }
    JsonNode n = parsed.node();
    String name = f.text(n, "metric_name", true);
    if (name != null && name.isEmpty()) {
      f.error("metric_name", "must not be empty");
    }
    TimeRange range = range(f, f.time(n, "start_time"), f.time(n, "end_time"));
    Map<String, String> labels = f.labels(n.get("labels"), "labels");
    String function = f.text(n, "function", false);
    String stepText = f.text(n, "step", false);
    Duration step = f.duration(stepText, "step");
    String sourceText = f.text(n, "source", false);
    String type = f.text(n, "metric_type", false);
    List<String> groupBy = new ArrayList<>();
    JsonNode g = n.get("group_by");
    if (g != null && !g.isNull()) {
      if (!g.isArray()) {
        f.error("group_by", "must be an array of strings, got " + RequestFields.kind(g));
      } else {
        for (int i = 0; i < g.size(); i++) {
          if (!g.get(i).isTextual()) {
            f.error("group_by[" + i + "]", "must be a string");
          } else if (groupBy.contains(g.get(i).asText())) {
            f.error("group_by[" + i + "]", "repeats '" + g.get(i).asText() + "'");
          } else {
            groupBy.add(g.get(i).asText());
          }
        }
      }
    }
    Double limitValue = f.number(n, "limit", false);
    int limit = DEFAULT_RAW_LIMIT;
    if (limitValue != null) {
      if (limitValue != Math.floor(limitValue) || limitValue < 1 || limitValue > MetricsQuery.MAX_LIMIT) {
        f.error("limit", "must be an integer between 1 and " + MetricsQuery.MAX_LIMIT);
      } else {
        limit = limitValue.intValue();
      }
    }
    String fn = function == null ? "avg" : function;
    Aggregation aggregation = null;
    if (!fn.equalsIgnoreCase("raw")) {
      try {
        aggregation = Aggregation.fromWireName(fn);
      } catch (IllegalArgumentException e) {
        f.error("function", "unknown function '" + fn + "'; known: avg, sum, min, max, count, rate, raw");
      }
    }
    QuerySource source = QuerySource.AUTO;
    if (sourceText != null) {
      try {
        source = QuerySource.fromWireName(sourceText);
      } catch (IllegalArgumentException e) {
        f.error("source", e.getMessage());
      }
    }
    if (!f.ok()) {
      return invalid(f);
    }
    if (aggregation == null) {
      MetricsQuery.Builder q = MetricsQuery.builder().metricNames(name).range(range).tags(labels).limit(limit);
      if (type != null) {
        q.metricType(type);
      }
      return raw(q.build(), name, range);
    }
    AggregationQuery.Builder q = AggregationQuery.builder(name, aggregation).range(range).tags(labels)
        .groupBy(groupBy).source(source);
    if (step != null) {
      q.step(step);
    }
    if (type != null) {
      q.metricType(type);
    }
    AggregationQuery query = q.build();
    if (source.resolution().isPresent()) {
      var why = QueryPlanner.whyNotExact(query, source.resolution().get());
      if (why.isPresent()) {
        return done(ErrorBody.invalidField("source", "cannot answer exactly: " + why.get(), clock));
      }
    }
    return storage.aggregate(query).thenApply(result -> ok(200, aggregation(result, stepText)));
  }

  private static Map<String, Object> aggregation(AggregationResult result, String step) {
    AggregationQuery q = result.query();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("metric_name", q.metricName());
    body.put("function", q.function().wireName());
    body.put("start_time", q.range().start().map(Timestamps::formatMillis).orElse(null));
    body.put("end_time", q.range().end().map(Timestamps::formatMillis).orElse(null));
    body.put("step", step);
    body.put("sources", result.sources());
    List<Object> groups = new ArrayList<>();
    for (GroupResult g : result.groups()) {
      List<Object> buckets = new ArrayList<>();
      for (Bucket b : g.buckets()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", Timestamps.formatMillis(b.start()));
        m.put("value", finite(b.value()));
        m.put("count", b.count());
        buckets.add(m);
      }
      groups.add(Map.of("labels", g.key(), "buckets", buckets));
    }
    body.put("groups", groups);
    return body;
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }

  private CompletableFuture<EndpointResponse> raw(MetricsQuery query, String name, TimeRange range) {
    return storage.query(query).thenApply(items -> {
      List<Object> points = new ArrayList<>();
      for (MetricsData item : items) {
        for (Metric m : item.metrics()) {
          Map<String, Object> p = new LinkedHashMap<>();
          p.put("timestamp", Timestamps.formatMillis(item.timestamp()));
          p.put("value", finite(m.value()));
          p.put("labels", m.tags());
          p.put("unit", m.unit());
          p.put("metric_type", item.metricType());
          p.put("source", item.source());
          points.add(p);
        }
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("metric_name", name);
      body.put("function", "raw");
      body.put("start_time", range.start().map(Timestamps::formatMillis).orElse(null));
      body.put("end_time", range.end().map(Timestamps::formatMillis).orElse(null));
      body.put("count", points.size());
      body.put("points", points);
      return ok(200, body);
    });
  }

  private CompletableFuture<EndpointResponse> queryRaw(EndpointRequest r) {
    RequestFields f = new RequestFields();
    String name = f.requiredText(r.queryParam("metric_name").orElse(null), "metric_name");
    TimeRange range = range(f, f.time(r.queryParam("start_time").orElse(null), "start_time"),
        f.time(r.queryParam("end_time").orElse(null), "end_time"));
    Map<String, String> labels = f.labelsParam(r.queryParam("labels").orElse(null), "labels");
    int limit = f.integer(r.queryParam("limit").orElse(null), "limit", DEFAULT_RAW_LIMIT, 1, MetricsQuery.MAX_LIMIT);
    int offset = f.integer(r.queryParam("offset").orElse(null), "offset", 0, 0, Integer.MAX_VALUE);
    if (!f.ok()) {
      return invalid(f);
    }
    return raw(MetricsQuery.builder().metricNames(name).range(range).tags(labels).limit(limit).offset(offset).build(),
        name, range);
  }

  private CompletableFuture<EndpointResponse> queryRollup(EndpointRequest r) {
    RequestFields f = new RequestFields();
    String name = f.requiredText(r.queryParam("metric_name").orElse(null), "metric_name");
    TimeRange range = range(f, f.time(r.queryParam("start_time").orElse(null), "start_time"),
        f.time(r.queryParam("end_time").orElse(null), "end_time"));
    Map<String, String> labels = f.labelsParam(r.queryParam("labels").orElse(null), "labels");
    String window = f.requiredText(r.queryParam("window").orElse(null), "window");
    Resolution resolution = null;
    if (window != null) {
      try {
        resolution = Resolution.fromWireName(window);
      } catch (IllegalArgumentException e) {
        f.error("window", "unknown window '" + window + "'; known: 1m, 5m, 1h");
      }
    }
    if (!f.ok()) {
      return invalid(f);
    }
    Resolution res = resolution;
    return StorageCapabilities.rollups(storage)
        .readRollups(new RollupQuery(name, res, range, labels, java.util.Optional.empty()))
        .thenApply(buckets -> {
          List<Object> out = new ArrayList<>();
          for (RollupBucket b : buckets) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("timestamp", Timestamps.formatMillis(b.start()));
            m.put("labels", b.series().tags());
            m.put("metric_type", b.series().metricType());
            m.put("count", b.count());
            m.put("sum", finite(b.sum()));
            m.put("min", finite(b.min()));
            m.put("max", finite(b.max()));
            m.put("avg", finite(b.sum() / b.count()));
            out.add(m);
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("metric_name", name);
          body.put("window", res.wireName());
          body.put("count", out.size());
          body.put("buckets", out);
          return ok(200, body);
        });
  }

  private CompletableFuture<EndpointResponse> rollups(EndpointRequest r) {
    String metric = r.queryParam("metric_name").orElse("");
    return StorageCapabilities.rollups(storage).listRollups().thenApply(list -> {
      List<Object> out = new ArrayList<>();
      for (RollupInfo i : list) {
        if (!metric.isEmpty() && !metric.equals(i.metricName())) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric_name", i.metricName());
        m.put("window", i.resolution().wireName());
        m.put("series_count", i.seriesCount());
        m.put("bucket_count", i.bucketCount());
        m.put("point_count", i.pointCount());
        m.put("first_bucket", Timestamps.formatMillis(i.firstBucket()));
        m.put("last_bucket", Timestamps.formatMillis(i.lastBucket()));
        m.put("watermark", i.watermark().map(Timestamps::formatMillis).orElse(null));
        out.add(m);
      }
      return ok(200, Map.of("rollups", out));
    });
  }

  /** Builds {@link MetricsEndpoints}; every option has a default. */
  public static final class Builder {
    private final StorageAdapter storage;
    private Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink;
    private int ingestStatus = 200;
    private Supplier<CompletableFuture<HealthCheckResult>> health;
    private Duration healthCacheTtl = Duration.ofSeconds(DEFAULT_HEALTH_CACHE_SECONDS);
    private int maxItems = Integer.MAX_VALUE;
    private MetricsValidator validator = MetricsValidator.defaults();
    private String metricType = DEFAULT_METRIC_TYPE;
    private Clock clock = Clock.systemUTC();
    private Supplier<? extends List<Measurement>> telemetry;

    private Builder(StorageAdapter storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
    }

    /**
     * Where ingested items go, and the status answered once the sink's future completes (200 when it
     * means stored, 202 when it means queued) [the store itself, 200].
     */
    public Builder ingest(Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink, int successStatus) {
      if (successStatus != 200 && successStatus != 202) {
        throw new IllegalArgumentException("successStatus must be 200 or 202, got " + successStatus);
      }
      this.sink = Objects.requireNonNull(sink, "sink");
      this.ingestStatus = successStatus;
      return this;
    }

    /** Ingested items go to this channel; 202 once it holds them. */
    public Builder ingest(IngestionAdapter channel) {
      Objects.requireNonNull(channel, "channel");
      return ingest(channel::batchIngest, 202);
    }

    /** What {@code GET /health} reports, for example {@code pipeline::healthCheck} [storage health]. */
    public Builder health(Supplier<CompletableFuture<HealthCheckResult>> health) {
      this.health = Objects.requireNonNull(health, "health");
      return this;
    }

    /**
     * How long a health answer is reused, 0 to 1 hour [{@value #DEFAULT_HEALTH_CACHE_SECONDS} s];
     * 0 asks the source on every request.
     */
    public Builder healthCacheTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "healthCacheTtl");
      if (ttl.isNegative() || ttl.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("healthCacheTtl must be between PT0S and PT1H, got " + ttl);
      }
      this.healthCacheTtl = ttl;
      return this;
    }

    /**
     * The most items one ingestion request may hold, at least 1 [no limit]; the HTTP server passes
     * its buffer's capacity, since a larger request could never fit. More answers 413.
     */
    public Builder maxItemsPerRequest(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxItemsPerRequest must be at least 1, got " + max);
      }
      this.maxItems = max;
      return this;
    }

    /** The rules ingested items must pass [{@link MetricsValidator#defaults()}]. */
    public Builder validator(MetricsValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /** The metric type of seed 004 single metrics [{@value #DEFAULT_METRIC_TYPE}]. */
    public Builder defaultMetricType(String metricType) {
      Objects.requireNonNull(metricType, "metricType");
      if (metricType.isEmpty()) {
        throw new IllegalArgumentException("defaultMetricType must not be empty");
      }
      this.metricType = metricType;
      return this;
    }

    /** The clock for error timestamps and missing ingestion timestamps [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * What {@code GET /metrics} exposes, read at each scrape, for example
     * {@code pipeline::measurements} [the store's measurements when it is {@link SelfMeasuring},
     * else none].
     */
    public Builder telemetry(Supplier<? extends List<Measurement>> telemetry) {
      this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
      return this;
    }

    /** The endpoints. */
    public MetricsEndpoints build() {
      return new MetricsEndpoints(this);
    }
  }
}
