package org.metricspipeline.guard;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.ErrorBody;
import org.metricspipeline.core.http.HttpEndpoint;
import org.metricspipeline.guard.internal.GuardJson;
import org.metricspipeline.core.http.PrometheusText;
import org.metricspipeline.guard.internal.Telemetry;

/**
 * The guard's HTTP API (seed 001) as framework-neutral {@link HttpEndpoint}s. Mount them on the
 * HTTP adapter, where they replace its built-in {@code GET /health} and {@code GET /metrics} (core's
 * {@link PrometheusText} of the pipeline alone; the guard's adds its own and JVM figures):
 *
 * <pre>{@code
 * HttpIngestionAdapter http = HttpIngestionAdapter.builder()
 *     .endpoints(GuardEndpoints.builder(guard).collector(collector).baselines(baselines).build().endpoints())
 *     .build();
 * }</pre>
 *
 * or in your own web stack with {@code EndpointRouter.of(GuardEndpoints.merge(otherEndpoints, guardEndpoints))}.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /health}</td><td>{@code {status, timestamp, components: {name: state}}}; 503
 *       when the overall state is critical or failed</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>Prometheus text: pipeline, adapters, guard and JVM figures</td></tr>
 *   <tr><td>{@code GET /api/v1/status}</td><td>the whole {@link SystemStatus}</td></tr>
 *   <tr><td>{@code GET /api/v1/alerts}</td><td>active alerts; {@code include_resolved=true} adds
 *       recently resolved ones</td></tr>
 *   <tr><td>{@code GET /api/v1/metrics}</td><td>recorded points: {@code component, metric_name,
 *       start_time, end_time} (ISO-8601), {@code limit} (1 to 1000); 501 without a collector</td></tr>
 *   <tr><td>{@code GET /api/v1/baselines}</td><td>every baseline; empty without baselines</td></tr>
 *   <tr><td>{@code GET /api/v1/analyze/{component}}</td><td>one component's status, alerts,
 *       recoveries and the baselines whose key starts with its name; 404 for an unknown one</td></tr>
 * </table>
 *
 * <p>The {@code /api/v1/*} endpoints are {@link EndpointKind#ADMIN}: a JWT needs the admin scopes
 * for them, and they are rate limited like general endpoints unless given their own limit.
 */
public final class GuardEndpoints {

  private final SelfHealingPipelineGuard guard;
  private final MetricsCollector collector; // may be null
  private final Baselines baselines; // may be null
  private final Clock clock;
  private final boolean jvm;
  private final List<HttpEndpoint> endpoints;

  private GuardEndpoints(Builder b) {
    this.guard = b.guard;
    this.collector = b.collector;
    this.baselines = b.baselines;
    this.clock = b.clock != null ? b.clock : guard.clock();
    this.jvm = b.jvm;
    List<HttpEndpoint> list = new ArrayList<>();
    list.add(HttpEndpoint.of("GET", "/health", EndpointKind.HEALTH, r -> done(health())));
    list.add(HttpEndpoint.of("GET", "/metrics", EndpointKind.GENERAL, r -> done(prometheus())));
    list.add(HttpEndpoint.of("GET", "/api/v1/status", EndpointKind.ADMIN,
        r -> done(json(200, GuardJson.status(guard.getSystemStatus())))));
    list.add(HttpEndpoint.of("GET", "/api/v1/alerts", EndpointKind.ADMIN, r -> done(alerts(r))));
    list.add(HttpEndpoint.of("GET", "/api/v1/metrics", EndpointKind.ADMIN, this::metrics));
    list.add(HttpEndpoint.of("GET", "/api/v1/baselines", EndpointKind.ADMIN,
        r -> done(json(200, Map.of("baselines", baselines == null ? List.of()
            : baselines.all().stream().map(GuardEndpoints::baseline).toList())))));
    list.add(HttpEndpoint.of("GET", "/api/v1/analyze/{component}", EndpointKind.ADMIN, r -> done(analyze(r))));
    this.endpoints = List.copyOf(list);
  }

  /** A builder serving {@code guard}. */
  public static Builder builder(SelfHealingPipelineGuard guard) {
    return new Builder(Objects.requireNonNull(guard, "guard"));
  }

  /** The endpoints, in the order of the table above. */
  public List<HttpEndpoint> endpoints() {
    return endpoints;
  }

  /**
   * The same endpoints (method, path, kind) answered by whatever {@code later} supplies at request
   * time: for servers that must be built before the guard (the HTTP adapter is the pipeline's
   * channel, and the guard watches the pipeline). Until {@code later} supplies one, they answer 503.
   */
  public static List<HttpEndpoint> deferred(java.util.function.Supplier<GuardEndpoints> later) {
    Objects.requireNonNull(later, "later");
    List<HttpEndpoint> list = new ArrayList<>();
    for (String[] e : new String[][] {{"/health", "HEALTH"}, {"/metrics", "GENERAL"}, {"/api/v1/status", "ADMIN"},
        {"/api/v1/alerts", "ADMIN"}, {"/api/v1/metrics", "ADMIN"}, {"/api/v1/baselines", "ADMIN"},
        {"/api/v1/analyze/{component}", "ADMIN"}}) {
      String pattern = e[0];
      list.add(HttpEndpoint.of("GET", pattern, EndpointKind.valueOf(e[1]), r -> {
        GuardEndpoints g = later.get();
        if (g == null) {
          return done(ErrorBody.retryLater(503, ErrorBody.OVERLOADED, "the guard is starting",
              java.time.Duration.ofSeconds(1), Clock.systemUTC()));
        }
        return g.endpoints.stream().filter(x -> x.pathPattern().equals(pattern)).findFirst().orElseThrow()
            .handle(r);
      }));
    }
    return List.copyOf(list);
  }

  /**
   * {@code base} with every endpoint of {@code overriding} added, an endpoint of {@code overriding}
   * replacing one of {@code base} with the same method and path pattern (for example the guard's
   * {@code GET /health} replacing core's). For mounting both lists on one router.
   */
  public static List<HttpEndpoint> merge(List<HttpEndpoint> base, List<HttpEndpoint> overriding) {
    Set<String> taken = overriding.stream().map(e -> e.method() + " " + e.pathPattern()).collect(Collectors.toSet());
    List<HttpEndpoint> out = new ArrayList<>();
    for (HttpEndpoint e : base) {
      if (!taken.contains(e.method() + " " + e.pathPattern())) {
        out.add(e);
      }
    }
    out.addAll(overriding);
    return List.copyOf(out);
  }

  /** The Prometheus text {@code GET /metrics} serves. */
  public String prometheusText() {
    return PrometheusText.write(measurements());
  }

  private EndpointResponse health() {
    SystemStatus s = guard.getSystemStatus();
    Map<String, Object> comps = new LinkedHashMap<>();
    s.components().forEach(c -> comps.put(c.name(), c.state().wireName()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", s.overall().wireName());
    body.put("timestamp", s.timestamp().toString());
    body.put("components", comps);
    boolean down = s.overall().severity() >= ComponentState.CRITICAL.severity();
    return json(down ? 503 : 200, body);
  }

  private EndpointResponse prometheus() {
    return PrometheusText.response(measurements());
  }

  private List<Measurement> measurements() {
    List<Measurement> all = new ArrayList<>();
    Telemetry.gather(guard.pipeline().orElse(null), guard, jvm, collector == null ? Map.of() : collector.components())
        .values().forEach(all::addAll);
    return all;
  }

  private EndpointResponse alerts(EndpointRequest r) {
    Map<String, Object> body = new LinkedHashMap<>();
    List<Alert> active = guard.activeAlerts();
    body.put("alerts", GuardJson.alerts(active));
    body.put("count", active.size());
    if (r.queryParam("include_resolved").map("true"::equalsIgnoreCase).orElse(false)) {
      body.put("resolved", GuardJson.alerts(guard.resolvedAlerts()));
    }
    return json(200, body);
  }

  private CompletableFuture<EndpointResponse> metrics(EndpointRequest r) {
    if (collector == null) {
      return done(ErrorBody.response(501, ErrorBody.UNSUPPORTED_CAPABILITY,
          "the guard has no metrics collector", Map.of(), clock));
    }
    MetricsCollector.Filter filter;
    try {
      filter = MetricsCollector.Filter.all();
      Optional<String> component = r.queryParam("component");
      if (component.isPresent()) {
        filter = filter.withComponent(component.get());
      }
      Optional<String> name = r.queryParam("metric_name");
      if (name.isPresent()) {
        filter = filter.withMetricName(name.get());
      }
      Optional<Instant> start = time(r, "start_time");
      Optional<Instant> end = time(r, "end_time");
      if (start.isPresent() || end.isPresent()) {
        filter = new MetricsCollector.Filter(filter.component(), filter.metricName(), start, end, filter.limit());
      }
      Optional<String> limit = r.queryParam("limit");
      if (limit.isPresent()) {
        int n;
        try {
          n = Integer.parseInt(limit.get());
        } catch (NumberFormatException e) {
          return done(ErrorBody.invalidField("limit", "must be an integer from 1 to "
              + MetricsCollector.DEFAULT_LIMIT + ", got '" + limit.get() + "'", clock));
        }
        if (n < 1 || n > MetricsCollector.DEFAULT_LIMIT) {
          return done(ErrorBody.invalidField("limit", "must be from 1 to " + MetricsCollector.DEFAULT_LIMIT
              + ", got " + n, clock));
        }
        filter = filter.withLimit(n);
      }
    } catch (BadParameter e) {
      return done(ErrorBody.invalidField(e.field, e.getMessage(), clock));
    } catch (IllegalArgumentException e) {
      return done(ErrorBody.invalidField("start_time", e.getMessage(), clock));
    }
    return collector.getMetrics(filter).thenApply(points -> {
      List<Object> list = new ArrayList<>();
      for (MetricPoint p : points) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", p.timestamp().toString());
        m.put("component", p.component());
        m.put("metric_name", p.metricName());
        m.put("value", p.value());
        m.put("labels", p.labels());
        list.add(m);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("metrics", list);
      body.put("count", list.size());
      return json(200, body);
    });
  }

  private EndpointResponse analyze(EndpointRequest r) {
    String name = r.pathParam("component").orElse("");
    SystemStatus s = guard.getSystemStatus();
    Optional<ComponentStatus> c = s.component(name);
    List<Baselines.Baseline> bl = baselines == null ? List.of()
        : baselines.all().stream().filter(b -> b.key().equals(name) || b.key().startsWith(name + "/")
            || b.key().startsWith(name + ".")).toList();
    if (c.isEmpty() && bl.isEmpty()) {
      return ErrorBody.response(404, ErrorBody.NOT_FOUND, "no component or baseline named '" + name + "'",
          Map.of("known", guard.componentNames()), clock);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("component", name);
    c.ifPresent(cs -> body.put("status", GuardJson.component(cs)));
    body.put("active_alerts", GuardJson.alerts(s.activeAlerts().stream().filter(a -> a.component().equals(name)).toList()));
    body.put("recovery_history", s.recoveryHistory().stream().filter(a -> a.component().equals(name))
        .map(GuardJson::recovery).toList());
    body.put("baselines", bl.stream().map(GuardEndpoints::baseline).toList());
    return json(200, body);
  }

  private static Map<String, Object> baseline(Baselines.Baseline b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", b.key());
    m.put("points", b.points());
    m.put("median", finite(b.median()));
    m.put("mad", finite(b.mad()));
    m.put("ewma_mean", finite(b.ewmaMean()));
    m.put("ewma_deviation", finite(b.ewmaDeviation()));
    m.put("lower", finite(b.lower()));
    m.put("upper", finite(b.upper()));
    m.put("consecutive_outside", b.consecutiveOutside());
    m.put("anomalous", b.anomalous());
    m.put("last_value", finite(b.lastValue()));
    return m;
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static Optional<Instant> time(EndpointRequest r, String field) throws BadParameter {
    Optional<String> v = r.queryParam(field);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(v.get()));
    } catch (DateTimeParseException e) {
      throw new BadParameter(field, "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, got '" + v.get() + "'");
    }
  }

  private static EndpointResponse json(int status, Object body) {
    return EndpointResponse.json(status, GuardJson.write(body));
  }

  private static CompletableFuture<EndpointResponse> done(EndpointResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static final class BadParameter extends Exception {
    private static final long serialVersionUID = 1L;
    final String field;

    BadParameter(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }
  }

  /** Builds {@link GuardEndpoints}. */
  public static final class Builder {
    private final SelfHealingPipelineGuard guard;
    private MetricsCollector collector;
    private Baselines baselines;
    private Clock clock;
    private boolean jvm = true;

    private Builder(SelfHealingPipelineGuard guard) {
      this.guard = guard;
    }

    /** Serves {@code GET /api/v1/metrics} from this collector. */
    public Builder collector(MetricsCollector collector) {
      this.collector = Objects.requireNonNull(collector, "collector");
      return this;
    }

    /** Serves {@code GET /api/v1/baselines} and baselines in {@code analyze} from these. */
    public Builder baselines(Baselines baselines) {
      this.baselines = Objects.requireNonNull(baselines, "baselines");
      return this;
    }

    /** Whether {@code GET /metrics} includes JVM figures [true]. */
    public Builder jvm(boolean include) {
      this.jvm = include;
      return this;
    }

    /** The clock of error timestamps [the guard's]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The endpoints. */
    public GuardEndpoints build() {
      return new GuardEndpoints(this);
    }
  }
}
