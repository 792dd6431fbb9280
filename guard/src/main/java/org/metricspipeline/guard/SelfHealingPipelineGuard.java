package org.metricspipeline.guard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.guard.internal.ScheduledRetries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a pipeline, its adapters and user components, and heals what it can (seed 001).
 *
 * <pre>{@code
 * try (SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder()
 *     .pipeline(pipeline)                        // components pipeline, storage, ingestion
 *     .component("model-server", () -> probe(), Duration.ofSeconds(30), Duration.ofSeconds(2))
 *     .recovery("model-server", RecoveryStrategy.of("reload", ctx -> server.reload()))
 *     .notifier(AlertNotifier.log())
 *     .notifier(AlertNotifier.slack(URI.create(slackUrl)))
 *     .build()) {
 *   guard.startMonitoring();
 *   SystemStatus status = guard.getSystemStatus();
 * }
 * }</pre>
 *
 * <h2>States</h2>
 *
 * Each component starts {@link ComponentState#HEALTHY}. A check that fails, throws or does not
 * answer within the component's timeout is unhealthy; a check answering degraded is a warning.
 * One bad check changes nothing (no flapping): {@code degradedThreshold} bad checks in a row
 * [2] make a healthy component {@link ComponentState#DEGRADED}, {@code failureThreshold} unhealthy
 * checks in a row [3] make it {@link ComponentState#CRITICAL}, and {@code successThreshold}
 * healthy checks in a row [2] make any other state healthy again, resolving its alerts.
 *
 * <h2>Named checks</h2>
 *
 * A component has one or more named {@link ComponentCheck}s (seed 001's {@code check_name}; the one
 * given with {@link Builder#component} is {@value #DEFAULT_CHECK_NAME}), added and removed while the
 * guard runs ({@link #addCheck}, {@link #removeCheck}). They run together; the component follows
 * the worst answer: healthy, degraded and critical through the thresholds above, recovering and
 * failed at once. {@link ComponentStatus#checks()} lists each one.
 *
 * <h2>Recovery</h2>
 *
 * A critical component with recovery strategies becomes {@link ComponentState#RECOVERING}: every
 * strategy runs once per attempt, each run recorded in the recovery history. While its checks
 * still fail, the next attempt waits {@code recoveryBackoff} [30 s], doubled per attempt, on the
 * guard's clock. After {@code maxRecoveryAttempts} [3] attempts it becomes
 * {@link ComponentState#FAILED} and raises a critical alert; it still becomes healthy when its
 * checks pass again. A critical component without strategies stays critical.
 *
 * <h2>Threads and time</h2>
 *
 * {@link #startMonitoring()} runs {@link #runDueChecks()} every {@code tickInterval} [1 s] on one
 * thread ({@code metrics-guard-scheduler-1}); each component is checked when its interval has
 * passed on the injected clock, so tests move a clock and call {@link #runDueChecks()} themselves.
 * Notifiers run on {@code metrics-guard-notifier-1}, one alert after the other in the order raised
 * (a queue of 1000 notifications; beyond it the oldest waiting one is dropped and logged). A webhook
 * retry waits on the guard's clock and is sent by the tick (or {@link #runDueChecks()}) once due,
 * never by sleeping on the notifier thread. {@link #close()} stops both.
 */
public final class SelfHealingPipelineGuard implements AutoCloseable, SelfMeasuring {

  /** Default time between two checks of a component. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(30);
  /** Default longest wait for one check. */
  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Seed 001's name for the per-component health gauge (1 healthy, 0 otherwise), exported beside
   * {@code metrics_guard_component_healthy} so the seed's Grafana panel works unchanged.
   */
  public static final String SEED_COMPONENT_HEALTH = "pipeline_guard_component_health";
  /** Default time between two scheduler ticks. */
  public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofSeconds(1);
  /** Default unhealthy checks in a row before a component is critical. */
  public static final int DEFAULT_FAILURE_THRESHOLD = 3;
  /** Default bad (degraded or unhealthy) checks in a row before a healthy component is degraded. */
  public static final int DEFAULT_DEGRADED_THRESHOLD = 2;
  /** Default healthy checks in a row before a component is healthy again. */
  public static final int DEFAULT_SUCCESS_THRESHOLD = 2;
  /** Default recovery attempts before a component is failed. */
  public static final int DEFAULT_MAX_RECOVERY_ATTEMPTS = 3;
  /** Default wait after the first recovery attempt; doubled per attempt. */
  public static final Duration DEFAULT_RECOVERY_BACKOFF = Duration.ofSeconds(30);
  /** Default number of recovery attempts and resolved alerts kept. */
  public static final int DEFAULT_HISTORY_SIZE = 100;
  /** The component name of the watched pipeline itself ({@link PipelineComponent#PIPELINE}). */
  public static final String PIPELINE = PipelineComponent.PIPELINE;
  /** The component name of the pipeline's storage ({@link PipelineComponent#STORAGE}). */
  public static final String STORAGE = PipelineComponent.STORAGE;
  /** The component name of the pipeline's ingestion channel ({@link PipelineComponent#INGESTION}). */
  public static final String INGESTION = PipelineComponent.INGESTION;
  /** The name of the check given with a component ({@link Builder#component}) or by {@link Builder#pipeline}. */
  public static final String DEFAULT_CHECK_NAME = "health";

  private static final Logger LOG = LoggerFactory.getLogger(SelfHealingPipelineGuard.class);
  private static final int NOTIFIER_QUEUE = 1000;

  private final Clock clock;
  private final Map<String, Tracker> components;
  private final List<AlertNotifier> notifiers;
  private final int failureThreshold;
  private final int degradedThreshold;
  private final int successThreshold;
  private final int maxRecoveryAttempts;
  private final Duration recoveryBackoff;
  private final Duration tickInterval;
  private final Duration checkInterval;
  private final Duration checkTimeout;
  private final int historySize;
  private final MetricsPipeline pipeline; // null when not watching one
  private final Object lock = new Object();
  private final Map<String, Alert> activeAlerts = new LinkedHashMap<>();
  private final Deque<Alert> resolvedAlerts = new ArrayDeque<>();
  private final Deque<RecoveryAttempt> recoveryHistory = new ArrayDeque<>();
  private final AtomicLong alertsRaised = new AtomicLong();
  private final AtomicLong notificationsDropped = new AtomicLong();
  private final ThreadPoolExecutor notifierExecutor;
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> tick;
  private volatile boolean closed;

  private SelfHealingPipelineGuard(Builder b, Map<String, ComponentSpec> specs,
      Map<String, List<RecoveryStrategy>> strategies) {
    this.clock = b.clock;
    this.failureThreshold = b.failureThreshold;
    this.degradedThreshold = b.degradedThreshold;
    this.successThreshold = b.successThreshold;
    this.maxRecoveryAttempts = b.maxRecoveryAttempts;
    this.recoveryBackoff = b.recoveryBackoff;
    this.tickInterval = b.tickInterval;
    this.checkInterval = b.checkInterval;
    this.checkTimeout = b.checkTimeout;
    this.historySize = b.historySize;
    this.pipeline = b.pipeline;
    this.notifiers = List.copyOf(b.notifiers);
    for (AlertNotifier n : notifiers) {
      if (n instanceof ScheduledRetries r) {
        r.useClock(clock); // webhook retries wait on the guard's clock, sent by its tick
      }
    }
    Map<String, Tracker> map = new LinkedHashMap<>();
    for (ComponentSpec spec : specs.values()) {
      Tracker t = new Tracker(spec, strategies.getOrDefault(spec.name, List.of()));
      spec.checks.forEach((name, check) -> t.checks.put(name, new NamedCheck(name, check)));
      map.put(spec.name, t);
    }
    this.components = map;
    AtomicInteger n = new AtomicInteger();
    this.notifierExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(NOTIFIER_QUEUE), r -> daemon(r, "metrics-guard-notifier-" + n.incrementAndGet()),
        (r, ex) -> {
          notificationsDropped.incrementAndGet();
          ex.getQueue().poll();
          if (!ex.isShutdown()) {
            ex.execute(r);
          }
          LOG.warn("alert notifications are backing up; dropped the oldest waiting one");
        });
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts checking components on the guard's scheduler thread. Calling it again while monitoring
   * does nothing.
   *
   * @throws MonitoringException after {@link #close()}
   */
  public void startMonitoring() {
    synchronized (lock) {
      if (closed) {
        throw new MonitoringException("the guard is closed: it cannot monitor again");
      }
      if (tick != null) {
        return;
      }
      scheduler = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "metrics-guard-scheduler-1"));
      tick = scheduler.scheduleWithFixedDelay(this::safeTick, 0, tickInterval.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("guard monitoring {} component(s): {}", components.size(), components.keySet());
    }
  }

  /** Stops the scheduler; checks in progress finish. Monitoring can be started again. */
  public void stopMonitoring() {
    ScheduledExecutorService s;
    synchronized (lock) {
      if (tick == null) {
        return;
      }
      tick.cancel(false);
      tick = null;
      s = scheduler;
      scheduler = null;
    }
    s.shutdown();
    try {
      s.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the scheduler runs. */
  public boolean isMonitoring() {
    synchronized (lock) {
      return tick != null;
    }
  }

  /**
   * Checks every component whose interval has passed on the clock (each one at its first call),
   * moves states, runs recoveries and raises or resolves alerts; returns the status afterwards.
   * The scheduler calls this every tick; tests call it after moving their clock.
   */
  public SystemStatus runDueChecks() {
    return runChecks(false);
  }

  /** Checks every component now, whatever its interval; otherwise as {@link #runDueChecks()}. */
  public SystemStatus checkNow() {
    return runChecks(true);
  }

  /** The current status of everything watched (seed 001's {@code get_system_status}). */
  public SystemStatus getSystemStatus() {
    List<ComponentStatus> list = new ArrayList<>();
    ComponentState overall = ComponentState.HEALTHY;
    synchronized (lock) {
      for (Tracker t : components.values()) {
        ComponentStatus s = t.status();
        list.add(s);
        overall = overall.worst(s.state());
      }
      return new SystemStatus(overall, clock.instant(), tick != null, list,
          List.copyOf(activeAlerts.values()), List.copyOf(recoveryHistory));
    }
  }

  /** The names of the watched components, in registration order. */
  public List<String> componentNames() {
    synchronized (lock) {
      return List.copyOf(components.keySet());
    }
  }

  /**
   * Adds a named check to a component, or replaces the check of that name, while the guard runs
   * (seed 001's {@code check_name}). An unknown component is added, checked every
   * {@link Builder#checkInterval} within {@link Builder#checkTimeout}. The component's health
   * follows the worst answer of its checks; the check first runs with the component's next check.
   *
   * @throws IllegalArgumentException for a name that is not 1 to 64 letters, digits, {@code . _ -}
   * @throws MonitoringException after {@link #close()}
   */
  public void addCheck(String component, String checkName, ComponentCheck check) {
    Builder.validName("component name", component);
    Builder.validName("check name", checkName);
    Objects.requireNonNull(check, "check");
    synchronized (lock) {
      if (closed) {
        throw new MonitoringException("the guard is closed: cannot add check '" + checkName + "' to " + component);
      }
      Tracker t = components.computeIfAbsent(component, n -> new Tracker(
          new ComponentSpec(n, Map.of(), checkInterval, checkTimeout), List.of()));
      t.checks.put(checkName, new NamedCheck(checkName, check));
    }
    LOG.info("guard: check {} added to {}", checkName, component);
  }

  /**
   * Removes a named check while the guard runs; a component left without checks is no longer
   * watched (its active alerts are resolved). False when there was no such check.
   */
  public boolean removeCheck(String component, String checkName) {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(checkName, "checkName");
    List<Alert> toResolve = new ArrayList<>();
    synchronized (lock) {
      Tracker t = components.get(component);
      if (t == null || t.checks.remove(checkName) == null) {
        return false;
      }
      if (t.checks.isEmpty()) {
        components.remove(component);
        activeAlerts.values().stream().filter(a -> a.component().equals(component)).forEach(toResolve::add);
      }
    }
    Instant now = clock.instant();
    toResolve.forEach(a -> resolve(a, "component no longer watched", now));
    LOG.info("guard: check {} removed from {}", checkName, component);
    return true;
  }

  /** Unresolved alerts, oldest first. */
  public List<Alert> activeAlerts() {
    synchronized (lock) {
      return List.copyOf(activeAlerts.values());
    }
  }

  /** Recently resolved alerts, oldest first (bounded by the history size). */
  public List<Alert> resolvedAlerts() {
    synchronized (lock) {
      return List.copyOf(resolvedAlerts);
    }
  }

  /** The pipeline watched, when one was given to the builder. */
  public Optional<MetricsPipeline> pipeline() {
    return Optional.ofNullable(pipeline);
  }

  /** The guard's clock. */
  public Clock clock() {
    return clock;
  }

  /**
   * Raises an alert from outside the state machine (for example an anomaly from
   * {@link Baselines}), deduplicated by {@code component} and {@code kind} like the guard's own.
   */
  public Alert raiseAlert(String component, String kind, ComponentState severity, String message,
      Map<String, Object> metadata) {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(kind, "kind");
    return raise(component, kind, severity, message, metadata, clock.instant());
  }

  /** Resolves an alert raised with {@link #raiseAlert}, when active. */
  public Optional<Alert> resolveAlert(String component, String kind, String action) {
    synchronized (lock) {
      Alert a = activeAlerts.get(component + ":" + kind);
      if (a == null) {
        return Optional.empty();
      }
      return Optional.of(resolve(a, action, clock.instant()));
    }
  }

  /**
   * The guard's own figures: component states, checks, recoveries and alerts. The per-component
   * {@code metrics_guard_component_healthy} gauge is also exported as
   * {@value #SEED_COMPONENT_HEALTH}, the name seed 001's Grafana dashboard reads.
   */
  @Override
  public List<Measurement> measurements() {
    List<Measurement> list = new ArrayList<>();
    synchronized (lock) {
      for (Tracker t : components.values()) {
        Map<String, String> c = Map.of("component", t.spec.name);
        list.add(new Measurement("metrics_guard_component_state", Measurement.Kind.GAUGE,
            "Component state: 0 healthy, 1 degraded or recovering, 2 critical, 3 failed", c, t.state.severity()));
        int healthy = t.state == ComponentState.HEALTHY ? 1 : 0;
        list.add(new Measurement("metrics_guard_component_healthy", Measurement.Kind.GAUGE,
            "1 while the component is healthy", c, healthy));
        // seed 001's Grafana panel reads this name: the same figure, so that dashboard works as is
        list.add(new Measurement(SEED_COMPONENT_HEALTH, Measurement.Kind.GAUGE,
            "1 while the component is healthy (seed 001's name for metrics_guard_component_healthy)", c, healthy));
        list.add(new Measurement("metrics_guard_checks_total", Measurement.Kind.COUNTER,
            "Health checks run", c, t.checkRuns));
        list.add(new Measurement("metrics_guard_check_failures_total", Measurement.Kind.COUNTER,
            "Health checks that answered unhealthy, failed or timed out", c, t.failedChecks));
        list.add(new Measurement("metrics_guard_check_duration_seconds_sum", Measurement.Kind.COUNTER,
            "Total time spent in health checks", c, t.checkNanos / 1e9));
        list.add(new Measurement("metrics_guard_check_duration_seconds_count", Measurement.Kind.COUNTER,
            "Health checks timed", c, t.checkRuns));
        list.add(new Measurement("metrics_guard_recovery_attempts_total", Measurement.Kind.COUNTER,
            "Recovery attempts (each runs every strategy of the component)", c, t.totalAttempts));
      }
      list.add(Measurement.gauge("metrics_guard_alerts_active", "Unresolved alerts", activeAlerts.size()));
    }
    list.add(Measurement.counter("metrics_guard_alerts_raised_total", "Alerts raised (repeats not counted)",
        alertsRaised.get()));
    list.add(Measurement.counter("metrics_guard_notifications_dropped_total",
        "Alert notifications dropped because the notifier queue was full", notificationsDropped.get()));
    return List.copyOf(list);
  }

  /**
   * Stops monitoring and the notifier thread (waiting up to 10 s for queued notifications), then
   * closes the notifiers (webhook clients release their connections and threads).
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stopMonitoring();
    notifierExecutor.shutdown();
    try {
      if (!notifierExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
        notifierExecutor.shutdownNow();
      }
    } catch (InterruptedException e) {
      notifierExecutor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    for (AlertNotifier n : notifiers) {
      try {
        n.close();
      } catch (RuntimeException e) {
        LOG.warn("closing notifier {} failed", n, e);
      }
    }
  }

  // ---- checking -------------------------------------------------------------------------------

  private void safeTick() {
    try {
      runDueChecks();
    } catch (RuntimeException e) {
      LOG.warn("guard tick failed", e);
    }
  }

  private synchronized SystemStatus runChecks(boolean all) {
    Instant now = clock.instant();
    List<Tracker> due = new ArrayList<>();
    List<List<NamedCheck>> dueChecks = new ArrayList<>();
    synchronized (lock) {
      for (Tracker t : components.values()) {
        if (all || t.nextCheckAt == null || !now.isBefore(t.nextCheckAt)) {
          due.add(t);
          dueChecks.add(List.copyOf(t.checks.values()));
        }
      }
    }
    List<List<CompletableFuture<ComponentCheck.Result>>> futures = new ArrayList<>();
    long[] started = new long[due.size()];
    for (int i = 0; i < due.size(); i++) {
      started[i] = System.nanoTime();
      List<CompletableFuture<ComponentCheck.Result>> f = new ArrayList<>();
      for (NamedCheck c : dueChecks.get(i)) {
        f.add(start(c.check, due.get(i).spec.timeout));
      }
      futures.add(f);
    }
    for (int i = 0; i < due.size(); i++) {
      Tracker t = due.get(i);
      List<ComponentCheck.Result> results = futures.get(i).stream().map(CompletableFuture::join).toList();
      long took = System.nanoTime() - started[i];
      Instant at = clock.instant();
      NamedCheck worst = null;
      ComponentCheck.Result worstResult = null;
      synchronized (lock) {
        t.checkNanos += took;
        for (int k = 0; k < results.size(); k++) {
          NamedCheck c = dueChecks.get(i).get(k);
          c.state = results.get(k).state();
          c.details = results.get(k).details();
          c.lastCheckedAt = at;
          if (worstResult == null || results.get(k).state().severity() > worstResult.state().severity()
              || (results.get(k).state() == ComponentState.FAILED && worstResult.state() != ComponentState.FAILED)) {
            worst = c;
            worstResult = results.get(k);
          }
        }
      }
      if (worstResult != null) {
        apply(t, worstResult, results.size() > 1 ? worst.name : null, at);
      }
      t.nextCheckAt = at.plus(t.spec.interval);
    }
    dispatchDueRetries();
    return getSystemStatus();
  }

  /** Hands notifier retries whose time has come on the clock to the notifier thread. */
  private void dispatchDueRetries() {
    for (AlertNotifier n : notifiers) {
      if (n instanceof ScheduledRetries r && r.retryDue() && !notifierExecutor.isShutdown()) {
        notifierExecutor.execute(() -> {
          try {
            r.runDueRetries();
          } catch (RuntimeException e) {
            LOG.warn("notifier {} failed while retrying", n, e);
          }
        });
      }
    }
  }

  private static CompletableFuture<ComponentCheck.Result> start(ComponentCheck check, Duration timeout) {
    CompletableFuture<ComponentCheck.Result> f;
    try {
      f = check.check();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(critical("health check threw: " + e));
    }
    if (f == null) {
      return CompletableFuture.completedFuture(critical("health check returned null"));
    }
    return f.thenApply(r -> r == null ? critical("health check returned null") : r)
        .completeOnTimeout(critical("no answer within " + timeout), timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(t -> critical("health check failed: "
            + (t instanceof CompletionException && t.getCause() != null ? t.getCause() : t)));
  }

  private static ComponentCheck.Result critical(String reason) {
    return ComponentCheck.Result.of(ComponentState.CRITICAL, reason);
  }

  /**
   * Moves a component on the worst answer of its checks: healthy, degraded and critical answers go
   * through the thresholds; a check answering recovering or failed moves the component there at once.
   */
  private void apply(Tracker t, ComponentCheck.Result answer, String checkName, Instant now) {
    HealthCheckResult result = new HealthCheckResult(switch (answer.state()) {
      case HEALTHY -> HealthStatus.HEALTHY;
      case DEGRADED, RECOVERING -> HealthStatus.DEGRADED;
      case CRITICAL, FAILED -> HealthStatus.UNHEALTHY;
    }, answer.details());
    ComponentState before;
    synchronized (lock) {
      before = t.state;
      t.checkRuns++;
      t.lastCheckedAt = now;
      Map<String, Object> details = answer.details();
      if (checkName != null) {
        details = new LinkedHashMap<>(details);
        details.put("check_name", checkName);
      }
      t.lastResult = details;
      HealthStatus status = result.status();
      if (status == HealthStatus.HEALTHY) {
        t.successes++;
        t.failures = 0;
        t.bad = 0;
      } else {
        t.successes = 0;
        t.bad++;
        if (status == HealthStatus.UNHEALTHY) {
          t.failures++;
          t.failedChecks++;
        } else {
          t.failures = 0;
        }
      }
    }
    String reason = reasonOf(result);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("check_status", result.status().wireName());
    meta.put("consecutive_failures", t.failures);
    if (!reason.isEmpty()) {
      meta.put("reason", reason);
    }
    if (checkName != null) {
      meta.put("check_name", checkName);
    }
    if (answer.state() == ComponentState.FAILED) {
      if (before != ComponentState.FAILED) {
        move(t, ComponentState.FAILED);
        resolveKind(t.spec.name, "degraded", "a check reported failed", now);
        resolveKind(t.spec.name, "critical", "a check reported failed", now);
        raise(t.spec.name, "failed", ComponentState.CRITICAL, t.spec.name + " is failed: a check reported it"
            + suffix(reason), meta, now);
      }
      return;
    }
    if (answer.state() == ComponentState.RECOVERING && before != ComponentState.RECOVERING
        && before != ComponentState.FAILED) {
      move(t, ComponentState.RECOVERING); // recovering by itself: no strategy runs, healthy checks end it
      return;
    }
    switch (before) {
      case HEALTHY, DEGRADED -> {
        if (t.failures >= failureThreshold) {
          toCritical(t, reason, meta, now);
        } else if (before == ComponentState.HEALTHY && t.bad >= degradedThreshold) {
          move(t, ComponentState.DEGRADED);
          raise(t.spec.name, "degraded", ComponentState.DEGRADED,
              t.spec.name + " is degraded: " + t.bad + " bad checks in a row" + suffix(reason), meta, now);
        } else if (before == ComponentState.DEGRADED && t.successes >= successThreshold) {
          toHealthy(t, now);
        }
      }
      case CRITICAL, RECOVERING -> {
        if (t.successes >= successThreshold) {
          toHealthy(t, now);
        } else if (t.failures > 0) {
          maybeRecover(t, reason, meta, now);
        }
      }
      case FAILED -> {
        if (t.successes >= successThreshold) {
          toHealthy(t, now);
        }
      }
      default -> throw new IllegalStateException("unknown state " + before);
    }
  }

  private void toCritical(Tracker t, String reason, Map<String, Object> meta, Instant now) {
    move(t, ComponentState.CRITICAL);
    resolveKind(t.spec.name, "degraded", "escalated to critical", now);
    raise(t.spec.name, "critical", ComponentState.CRITICAL, t.spec.name + " is critical: " + t.failures
        + " failed checks in a row" + suffix(reason), meta, now);
    t.nextAttemptAt = now;
    maybeRecover(t, reason, meta, now);
  }

  private void maybeRecover(Tracker t, String reason, Map<String, Object> meta, Instant now) {
    if (t.strategies.isEmpty()) {
      return;
    }
    if (t.nextAttemptAt != null && now.isBefore(t.nextAttemptAt)) {
      return;
    }
    if (t.attempts >= maxRecoveryAttempts) {
      move(t, ComponentState.FAILED);
      resolveKind(t.spec.name, "critical", "escalated to failed", now);
      Map<String, Object> m = new LinkedHashMap<>(meta);
      m.put("recovery_attempts", t.attempts);
      raise(t.spec.name, "failed", ComponentState.CRITICAL, t.spec.name + " could not be recovered after "
          + t.attempts + " attempt(s)" + suffix(reason), m, now);
      return;
    }
    int attempt;
    synchronized (lock) {
      attempt = ++t.attempts;
      t.totalAttempts++;
    }
    move(t, ComponentState.RECOVERING);
    RecoveryStrategy.Context ctx = new RecoveryStrategy.Context(t.spec.name, attempt, now, t.lastResult);
    for (RecoveryStrategy s : t.strategies) {
      RecoveryStrategy.Outcome outcome;
      try {
        outcome = Objects.requireNonNull(s.attempt(ctx), "outcome");
      } catch (RecoveryException e) {
        outcome = RecoveryStrategy.Outcome.failure(String.valueOf(e.getMessage()));
      } catch (RuntimeException e) {
        outcome = RecoveryStrategy.Outcome.failure("threw " + e);
      }
      LOG.info("recovery of {} (attempt {}): {} {}: {}", t.spec.name, attempt, s.name(),
          outcome.succeeded() ? "succeeded" : "failed", outcome.message());
      synchronized (lock) {
        if (outcome.succeeded()) {
          t.ran.add(s);
        }
        recoveryHistory.addLast(new RecoveryAttempt(t.spec.name, s.name(), attempt, now, outcome.succeeded(),
            outcome.message()));
        while (recoveryHistory.size() > historySize) {
          recoveryHistory.removeFirst();
        }
      }
    }
    t.nextAttemptAt = now.plus(recoveryBackoff.multipliedBy(1L << Math.min(20, attempt - 1)));
  }

  private void toHealthy(Tracker t, Instant now) {
    ComponentState from = t.state;
    move(t, ComponentState.HEALTHY);
    String action;
    synchronized (lock) {
      action = t.ran.isEmpty() ? "recovered without action"
          : String.join(", ", t.ran.stream().map(RecoveryStrategy::name).distinct().toList());
      t.attempts = 0;
      t.nextAttemptAt = null;
    }
    for (RecoveryStrategy s : List.copyOf(t.ran)) {
      try {
        s.onHealthy(t.spec.name);
      } catch (RuntimeException e) {
        LOG.warn("undoing {} for {} failed", s.name(), t.spec.name, e);
      }
    }
    t.ran.clear();
    LOG.info("{} is healthy again (was {}; {})", t.spec.name, from.wireName(), action);
    for (String kind : List.of("degraded", "critical", "failed")) {
      resolveKind(t.spec.name, kind, action, now);
    }
  }

  private void move(Tracker t, ComponentState to) {
    synchronized (lock) {
      if (t.state != to) {
        LOG.debug("{}: {} -> {}", t.spec.name, t.state.wireName(), to.wireName());
        t.state = to;
      }
    }
  }

  // ---- alerts ---------------------------------------------------------------------------------

  private Alert raise(String component, String kind, ComponentState severity, String message,
      Map<String, Object> metadata, Instant now) {
    String id = component + ":" + kind;
    Alert alert;
    boolean fresh;
    synchronized (lock) {
      Alert existing = activeAlerts.get(id);
      fresh = existing == null;
      alert = fresh ? new Alert(id, component, severity, message, now, metadata, false, Optional.empty(), 1, now)
          : existing.repeated(message, metadata, now);
      activeAlerts.put(id, alert);
    }
    if (fresh) {
      alertsRaised.incrementAndGet();
      dispatch(alert);
    }
    return alert;
  }

  private void resolveKind(String component, String kind, String action, Instant now) {
    synchronized (lock) {
      Alert a = activeAlerts.get(component + ":" + kind);
      if (a != null) {
        resolve(a, action, now);
      }
    }
  }

  private Alert resolve(Alert a, String action, Instant now) {
    Alert done = a.resolve(action, now);
    synchronized (lock) {
      activeAlerts.remove(a.id());
      resolvedAlerts.addLast(done);
      while (resolvedAlerts.size() > historySize) {
        resolvedAlerts.removeFirst();
      }
    }
    dispatch(done);
    return done;
  }

  private void dispatch(Alert alert) {
    for (AlertNotifier n : notifiers) {
      if (notifierExecutor.isShutdown()) {
        return;
      }
      notifierExecutor.execute(() -> {
        try {
          n.notify(alert);
        } catch (RuntimeException e) {
          LOG.warn("notifier {} failed on alert {}", n, alert.id(), e);
        }
      });
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static String reasonOf(HealthCheckResult r) {
    Object reason = r.details().get("reason");
    return reason == null ? "" : reason.toString();
  }

  private static String suffix(String reason) {
    return reason.isEmpty() ? "" : " (" + reason + ")";
  }

  /** A daemon thread with the given name, for the guard's and the collector's executors. */
  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** One component: its spec and everything the state machine keeps about it. */
  private final class Tracker {
    final ComponentSpec spec;
    final List<RecoveryStrategy> strategies;
    final List<RecoveryStrategy> ran = new ArrayList<>();
    /** Named checks by name, in the order added; guarded by the guard's lock. */
    final Map<String, NamedCheck> checks = new LinkedHashMap<>();
    ComponentState state = ComponentState.HEALTHY;
    Instant lastCheckedAt;
    Map<String, Object> lastResult = Map.of();
    volatile Instant nextCheckAt;
    Instant nextAttemptAt;
    int failures;
    int bad;
    int successes;
    int attempts;
    long totalAttempts;
    long checkRuns;
    long failedChecks;
    long checkNanos;

    Tracker(ComponentSpec spec, List<RecoveryStrategy> strategies) {
      this.spec = spec;
      this.strategies = List.copyOf(strategies);
    }

    ComponentStatus status() {
      List<CheckStatus> list = new ArrayList<>();
      checks.values().forEach(c -> list.add(new CheckStatus(c.name, c.state, Optional.ofNullable(c.lastCheckedAt),
          c.details)));
      return new ComponentStatus(spec.name, state, Optional.ofNullable(lastCheckedAt), lastResult, failures,
          successes, attempts, list);
    }
  }

  /** One named check and what it answered last; fields guarded by the guard's lock. */
  private static final class NamedCheck {
    final String name;
    final ComponentCheck check;
    ComponentState state = ComponentState.HEALTHY;
    Map<String, Object> details = Map.of();
    Instant lastCheckedAt;

    NamedCheck(String name, ComponentCheck check) {
      this.name = name;
      this.check = check;
    }
  }

  private record ComponentSpec(String name, Map<String, ComponentCheck> checks, Duration interval, Duration timeout) {}

  /** The pipeline's own state from its health details, without its adapters' (they are components too). */
  private static HealthCheckResult pipelineOwnHealth(HealthCheckResult h) {
    Object state = h.details().get("state");
    Object reason = h.details().get("reason");
    Map<String, Object> details = new LinkedHashMap<>(h.details());
    details.remove("storage");
    details.remove("ingestion");
    HealthStatus own;
    if ("running".equals(state)) {
      own = reason != null && reason.toString().startsWith("queue") ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
    } else if ("stopped".equals(state)) {
      own = HealthStatus.UNHEALTHY;
    } else {
      own = HealthStatus.DEGRADED;
    }
    return new HealthCheckResult(own, details);
  }

  /**
   * Builds a {@link SelfHealingPipelineGuard}. Setters reject values out of range, naming the
   * option; {@link #build()} checks that every recovery names a registered component.
   */
  public static final class Builder {
    private final Map<String, ComponentSpec> specs = new LinkedHashMap<>();
    private final Map<String, List<RecoveryStrategy>> strategies = new LinkedHashMap<>();
    private final List<AlertNotifier> notifiers = new ArrayList<>();
    private MetricsPipeline pipeline;
    private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
    private Duration checkTimeout = DEFAULT_CHECK_TIMEOUT;
    private Duration tickInterval = DEFAULT_TICK_INTERVAL;
    private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    private int degradedThreshold = DEFAULT_DEGRADED_THRESHOLD;
    private int successThreshold = DEFAULT_SUCCESS_THRESHOLD;
    private int maxRecoveryAttempts = DEFAULT_MAX_RECOVERY_ATTEMPTS;
    private Duration recoveryBackoff = DEFAULT_RECOVERY_BACKOFF;
    private int historySize = DEFAULT_HISTORY_SIZE;
    private Clock clock = Clock.systemUTC();
    private boolean pipelineStrategies = true;

    private Builder() {}

    /**
     * Watches a pipeline: components {@value #PIPELINE} (its own state and queue),
     * {@value #STORAGE} and, when it has a channel, {@value #INGESTION}, checked every
     * {@link #checkInterval}. The storage gets recovery strategies: {@code pause-ingestion} (with
     * a channel), {@code shrink-batch-size} (down to 1/8 of the current size), and
     * {@code restart-storage} when the storage is a {@link GuardedStorage}; the channel gets
     * {@code restart-ingestion} when it is a {@link GuardedIngestion}. Call
     * {@link #defaultRecoveries(boolean) defaultRecoveries(false)} to register your own instead.
     */
    public Builder pipeline(MetricsPipeline pipeline) {
      this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
      return this;
    }

    /** Whether {@link #pipeline} adds its default storage recoveries [true]. */
    public Builder defaultRecoveries(boolean enabled) {
      this.pipelineStrategies = enabled;
      return this;
    }

    /** A user component checked every {@link #checkInterval} within {@link #checkTimeout}. */
    public Builder component(String name, HealthCheck check) {
      return component(name, check, null, null);
    }

    /**
     * A user component with its own interval (1 ms to 1 day) and timeout (1 ms to 10 min).
     * Names are 1 to 64 characters of letters, digits, {@code . _ -}, unique.
     */
    public Builder component(String name, HealthCheck check, Duration interval, Duration timeout) {
      validName("component name", name);
      Objects.requireNonNull(check, "check");
      if (specs.containsKey(name)) {
        throw new IllegalArgumentException("component '" + name + "' is registered twice");
      }
      if (interval != null) {
        range("interval", interval, Duration.ofMillis(1), Duration.ofDays(1));
      }
      if (timeout != null) {
        range("timeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(10));
      }
      Map<String, ComponentCheck> checks = new LinkedHashMap<>();
      checks.put(DEFAULT_CHECK_NAME, ComponentCheck.from(check));
      specs.put(name, new ComponentSpec(name, checks, interval, timeout));
      return this;
    }

    /**
     * Adds a named check to a component (seed 001's {@code check_name}); an unknown component is
     * added with the default interval and timeout. As {@link SelfHealingPipelineGuard#addCheck} on a
     * running guard.
     */
    public Builder check(String component, String checkName, ComponentCheck check) {
      validName("component name", component);
      validName("check name", checkName);
      Objects.requireNonNull(check, "check");
      ComponentSpec spec = specs.computeIfAbsent(component, n -> new ComponentSpec(n, new LinkedHashMap<>(), null, null));
      if (spec.checks.containsKey(checkName)) {
        throw new IllegalArgumentException("check '" + checkName + "' of component '" + component
            + "' is registered twice");
      }
      spec.checks.put(checkName, check);
      return this;
    }

    static void validName(String what, String name) {
      Objects.requireNonNull(name, what);
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException(
            what + " must be 1 to 64 letters, digits, '.', '_' or '-', got '" + name + "'");
      }
    }

    /** Adds a recovery strategy to a component; strategies run in the order added. */
    public Builder recovery(String component, RecoveryStrategy strategy) {
      Objects.requireNonNull(component, "component");
      Objects.requireNonNull(strategy, "strategy");
      strategies.computeIfAbsent(component, k -> new ArrayList<>()).add(strategy);
      return this;
    }

    /** Adds a notifier; alerts go to every notifier. */
    public Builder notifier(AlertNotifier notifier) {
      notifiers.add(Objects.requireNonNull(notifier, "notifier"));
      return this;
    }

    /** Default interval between checks of a component: 1 ms to 1 day [30 s]. */
    public Builder checkInterval(Duration interval) {
      this.checkInterval = range("checkInterval", interval, Duration.ofMillis(1), Duration.ofDays(1));
      return this;
    }

    /** Default longest wait for a check: 1 ms to 10 min [5 s]. */
    public Builder checkTimeout(Duration timeout) {
      this.checkTimeout = range("checkTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(10));
      return this;
    }

    /** How often the scheduler looks for due checks: 10 ms to 1 min [1 s]. */
    public Builder tickInterval(Duration interval) {
      this.tickInterval = range("tickInterval", interval, Duration.ofMillis(10), Duration.ofMinutes(1));
      return this;
    }

    /** Unhealthy checks in a row before critical: 1 to 100 [{@value #DEFAULT_FAILURE_THRESHOLD}]. */
    public Builder failureThreshold(int checks) {
      this.failureThreshold = count("failureThreshold", checks, 1, 100);
      return this;
    }

    /** Bad checks in a row before a healthy component is degraded: 1 to 100 [{@value #DEFAULT_DEGRADED_THRESHOLD}]. */
    public Builder degradedThreshold(int checks) {
      this.degradedThreshold = count("degradedThreshold", checks, 1, 100);
      return this;
    }

    /** Healthy checks in a row before healthy again: 1 to 100 [{@value #DEFAULT_SUCCESS_THRESHOLD}]. */
    public Builder successThreshold(int checks) {
      this.successThreshold = count("successThreshold", checks, 1, 100);
      return this;
    }

    /** Recovery attempts before failed: 1 to 100 [{@value #DEFAULT_MAX_RECOVERY_ATTEMPTS}]. */
    public Builder maxRecoveryAttempts(int attempts) {
      this.maxRecoveryAttempts = count("maxRecoveryAttempts", attempts, 1, 100);
      return this;
    }

    /** Wait after the first recovery attempt, doubled per attempt: 0 to 1 day [30 s]. */
    public Builder recoveryBackoff(Duration backoff) {
      this.recoveryBackoff = range("recoveryBackoff", backoff, Duration.ZERO, Duration.ofDays(1));
      return this;
    }

    /** Recovery attempts and resolved alerts kept: 1 to 10,000 [{@value #DEFAULT_HISTORY_SIZE}]. */
    public Builder historySize(int entries) {
      this.historySize = count("historySize", entries, 1, 10_000);
      return this;
    }

    /** The clock checks, backoffs and timestamps are measured on [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The guard, not yet monitoring. */
    public SelfHealingPipelineGuard build() {
      Map<String, ComponentSpec> all = new LinkedHashMap<>();
      Map<String, List<RecoveryStrategy>> strategiesAll = new LinkedHashMap<>();
      if (pipeline != null) {
        MetricsPipeline p = pipeline;
        for (String n : List.of(PIPELINE, STORAGE, INGESTION)) {
          if (specs.containsKey(n) && specs.get(n).checks.containsKey(DEFAULT_CHECK_NAME)) {
            throw new IllegalArgumentException("component '" + n + "' is taken by the watched pipeline");
          }
        }
        all.put(PIPELINE, new ComponentSpec(PIPELINE, defaultCheck(() -> p.healthCheck().thenApply(
            SelfHealingPipelineGuard::pipelineOwnHealth)), checkInterval, checkTimeout));
        StorageAdapter storage = p.storage();
        all.put(STORAGE, new ComponentSpec(STORAGE, defaultCheck(storage::healthCheck), checkInterval, checkTimeout));
        Optional<IngestionAdapter> channel = p.ingestion();
        channel.ifPresent(c -> all.put(INGESTION, new ComponentSpec(INGESTION, defaultCheck(c::healthCheck),
            checkInterval, checkTimeout)));
        if (pipelineStrategies) {
          List<RecoveryStrategy> s = new ArrayList<>();
          if (channel.isPresent()) {
            s.add(RecoveryStrategies.pauseIngestion(p));
          }
          s.add(RecoveryStrategies.shrinkBatchSize(p, Math.max(1, p.batchSize() / 8)));
          if (storage instanceof GuardedStorage g) {
            s.add(RecoveryStrategies.restart(g));
          }
          strategiesAll.put(STORAGE, s);
          if (channel.orElse(null) instanceof GuardedIngestion g) {
            strategiesAll.put(INGESTION, new ArrayList<>(List.of(RecoveryStrategies.restart(g))));
          }
        }
      }
      for (ComponentSpec s : specs.values()) {
        ComponentSpec watched = all.get(s.name); // more checks for a pipeline part
        Map<String, ComponentCheck> checks = new LinkedHashMap<>(watched != null ? watched.checks : Map.of());
        checks.putAll(s.checks);
        all.put(s.name, new ComponentSpec(s.name, checks, watched != null ? watched.interval
            : s.interval != null ? s.interval : checkInterval,
            watched != null ? watched.timeout : s.timeout != null ? s.timeout : checkTimeout));
      }
      for (Map.Entry<String, List<RecoveryStrategy>> e : strategies.entrySet()) {
        if (!all.containsKey(e.getKey())) {
          throw new IllegalArgumentException("recovery for unknown component '" + e.getKey() + "'; known: "
              + all.keySet());
        }
        strategiesAll.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
      }
      return new SelfHealingPipelineGuard(this, all, strategiesAll);
    }

    private static Map<String, ComponentCheck> defaultCheck(HealthCheck check) {
      return Map.of(DEFAULT_CHECK_NAME, ComponentCheck.from(check));
    }

    private static Duration range(String option, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, option);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }

    private static int count(String option, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }

  @Override
  public String toString() {
    return "SelfHealingPipelineGuard{components=" + components.keySet() + ", overall="
        + getSystemStatus().overall().wireName().toLowerCase(Locale.ROOT) + "}";
  }
}
