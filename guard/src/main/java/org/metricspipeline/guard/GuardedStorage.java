package org.metricspipeline.guard;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageAdapter} decorator the guard can repair: a circuit breaker around every storage
 * call, and a {@link #restart()} that closes the current adapter and creates a new one through its
 * factory (a provider by name, or any supplier). Hand it to the pipeline instead of the adapter:
 *
 * <pre>{@code
 * GuardedStorage storage = GuardedStorage.builder(() -> AdapterRegistry.storage("clickhouse", config))
 *     .failureThreshold(5).openDuration(Duration.ofSeconds(10)).build();
 * MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).build();
 * guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).build(); // adds restart-storage
 * }</pre>
 *
 * <p>Circuit breaker: after {@code failureThreshold} failed calls in a row the circuit opens and
 * calls fail at once with {@link StorageUnavailableException} (so the pipeline's retries back off
 * instead of piling onto a dead store) until {@code openDuration} has passed on the clock; then one
 * trial call is let through (half-open), and its success closes the circuit. Validation failures
 * are the caller's fault and do not count. Health checks always reach the adapter, so the guard
 * sees when it is back.
 *
 * <p>Capabilities: {@link #capability(Class)} offers every capability of the wrapped adapter, so a
 * guarded store with rollups, retention and discovery still rolls up, deletes old data and lists its
 * metrics ({@code MetricsPipeline.builder().storage(guarded).rollups(...)} works). Rollups, retention
 * and discovery are views whose calls go to the adapter in use at the time (also after a restart)
 * through the same circuit breaker.
 */
public final class GuardedStorage implements StorageAdapter, SelfMeasuring {

  /** Default failed calls in a row that open the circuit. */
  public static final int DEFAULT_FAILURE_THRESHOLD = 5;
  /** Default time the circuit stays open before a trial call. */
  public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(GuardedStorage.class);

  /** The state of the circuit breaker. */
  public enum CircuitState {
    /** Calls pass through. */
    CLOSED,
    /** Calls fail at once. */
    OPEN,
    /** One trial call passes; its outcome closes or re-opens the circuit. */
    HALF_OPEN
  }

  private final Supplier<StorageAdapter> factory;
  private final int failureThreshold;
  private final Duration openDuration;
  private final Clock clock;
  private volatile StorageAdapter delegate;
  private final String name;
  private final Object lock = new Object();
  private CircuitState circuit = CircuitState.CLOSED;
  private int consecutiveFailures;
  private long openedAtMillis;
  private boolean trialInFlight;
  private final AtomicLong generation = new AtomicLong(1);
  private final AtomicLong shortCircuited = new AtomicLong();
  private final AtomicLong opened = new AtomicLong();
  private final GuardedCapabilities capabilities;

  private GuardedStorage(Builder b) {
    this.factory = b.factory;
    this.failureThreshold = b.failureThreshold;
    this.openDuration = b.openDuration;
    this.clock = b.clock;
    this.delegate = Objects.requireNonNull(factory.get(), "the storage factory returned null");
    this.name = delegate.name();
    this.capabilities = new GuardedCapabilities(name, () -> this.delegate, this::guarded);
  }

  /** A builder creating the adapter (now and on each restart) with {@code factory}. */
  public static Builder builder(Supplier<StorageAdapter> factory) {
    return new Builder(Objects.requireNonNull(factory, "factory"));
  }

  /** A builder creating the adapter through the storage provider with this name. */
  public static Builder builder(String providerName, AdapterConfig config) {
    Objects.requireNonNull(providerName, "providerName");
    Objects.requireNonNull(config, "config");
    return new Builder(() -> AdapterRegistry.storage(providerName, config));
  }

  @Override
  public String name() {
    return name;
  }

  /** The adapter calls currently go to. */
  public StorageAdapter delegate() {
    return delegate;
  }

  /** How many adapters were created: 1, plus one per restart. */
  public long generation() {
    return generation.get();
  }

  /** The circuit's state now (an open circuit whose time is up reports half-open). */
  public CircuitState circuitState() {
    synchronized (lock) {
      if (circuit == CircuitState.OPEN && clock.millis() - openedAtMillis >= openDuration.toMillis()) {
        return CircuitState.HALF_OPEN;
      }
      return circuit;
    }
  }

  /**
   * Closes the current adapter, creates a new one through the factory and closes the circuit.
   * Returns whether the new adapter's health check answers healthy or degraded within 5 seconds.
   * A factory that throws leaves the old adapter in place and returns false.
   */
  public boolean restart() {
    StorageAdapter fresh;
    try {
      fresh = Objects.requireNonNull(factory.get(), "the storage factory returned null");
    } catch (RuntimeException e) {
      LOG.warn("re-creating storage {} failed: {}", name, e.toString());
      return false;
    }
    StorageAdapter old;
    synchronized (lock) {
      old = delegate;
      delegate = fresh;
      generation.incrementAndGet();
      circuit = CircuitState.CLOSED;
      consecutiveFailures = 0;
      trialInFlight = false;
    }
    try {
      old.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the old storage {} failed: {}", name, e.toString());
    }
    LOG.info("storage {} re-created (generation {})", name, generation.get());
    return FreshAdapters.usable(fresh::healthCheck);
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    return guarded(() -> delegate.store(data));
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    return guarded(() -> delegate.batchStore(batch));
  }

  @Override
  public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
    return guarded(() -> delegate.query(query));
  }

  @Override
  public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
    return guarded(() -> delegate.aggregate(query));
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    CompletableFuture<HealthCheckResult> f;
    try {
      f = delegate.healthCheck();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    CircuitState state = circuitState();
    return f.handle((h, t) -> {
      HealthCheckResult r = h != null ? h : HealthCheckResult.unhealthy("health check failed: " + unwrap(t));
      Map<String, Object> details = new LinkedHashMap<>(r.details());
      details.put("circuit", state.name().toLowerCase(Locale.ROOT));
      details.put("generation", generation.get());
      return new HealthCheckResult(r.status(), details);
    });
  }

  /**
   * The wrapped adapter's capability of {@code type}: rollups, retention and discovery through the
   * circuit breaker, others as the adapter offers them, and this decorator's own (such as
   * {@code SelfMeasuring}, covering the adapter's figures and the circuit's).
   */
  @Override
  public <T> Optional<T> capability(Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (type.isInstance(this)) {
      return Optional.of(type.cast(this));
    }
    return capabilities.lookup(type);
  }

  @Override
  public List<Measurement> measurements() {
    List<Measurement> list = new ArrayList<>();
    delegate.capability(SelfMeasuring.class).ifPresent(s -> list.addAll(s.measurements()));
    Map<String, String> labels = Map.of("storage", name);
    list.add(new Measurement("metrics_guard_circuit_open", Measurement.Kind.GAUGE,
        "1 while the storage circuit breaker rejects calls", labels,
        circuitState() == CircuitState.CLOSED ? 0 : 1));
    list.add(new Measurement("metrics_guard_circuit_opened_total", Measurement.Kind.COUNTER,
        "Times the storage circuit breaker opened", labels, opened.get()));
    list.add(new Measurement("metrics_guard_circuit_rejected_total", Measurement.Kind.COUNTER,
        "Storage calls rejected at once by the open circuit", labels, shortCircuited.get()));
    list.add(new Measurement("metrics_guard_storage_restarts_total", Measurement.Kind.COUNTER,
        "Times the storage adapter was closed and re-created", labels, generation.get() - 1));
    return List.copyOf(list);
  }

  @Override
  public void close() {
    delegate.close();
  }

  <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> call) {
    boolean trial;
    synchronized (lock) {
      trial = false;
      if (circuit == CircuitState.OPEN) {
        if (clock.millis() - openedAtMillis < openDuration.toMillis() || trialInFlight) {
          shortCircuited.incrementAndGet();
          return CompletableFuture.failedFuture(new StorageUnavailableException(
              "storage " + name + " circuit is open after " + failureThreshold + " failures in a row"));
        }
        trialInFlight = true;
        trial = true;
      }
    }
    long gen = generation.get();
    CompletableFuture<T> f;
    try {
      f = call.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    boolean isTrial = trial;
    return f.whenComplete((v, t) -> record(t == null || unwrap(t) instanceof MetricsValidationException, isTrial, gen));
  }

  private void record(boolean success, boolean trial, long gen) {
    synchronized (lock) {
      if (gen != generation.get()) {
        return; // an outcome of the adapter a restart replaced
      }
      if (trial) {
        trialInFlight = false;
      }
      if (success) {
        consecutiveFailures = 0;
        if (circuit != CircuitState.CLOSED) {
          LOG.info("storage {} circuit closed", name);
        }
        circuit = CircuitState.CLOSED;
        return;
      }
      consecutiveFailures++;
      if (trial || (circuit == CircuitState.CLOSED && consecutiveFailures >= failureThreshold)) {
        if (circuit == CircuitState.CLOSED) {
          opened.incrementAndGet();
          LOG.warn("storage {} circuit opened after {} failures in a row", name, consecutiveFailures);
        }
        circuit = CircuitState.OPEN;
        openedAtMillis = clock.millis();
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  @Override
  public String toString() {
    return "GuardedStorage{" + name + ", circuit=" + circuitState() + ", generation=" + generation.get() + "}";
  }

  /** Builds a {@link GuardedStorage}; setters reject values out of range, naming the option. */
  public static final class Builder {
    private final Supplier<StorageAdapter> factory;
    private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    private Duration openDuration = DEFAULT_OPEN_DURATION;
    private Clock clock = Clock.systemUTC();

    private Builder(Supplier<StorageAdapter> factory) {
      this.factory = factory;
    }

    /** Failed calls in a row that open the circuit: 1 to 1000 [{@value #DEFAULT_FAILURE_THRESHOLD}]. */
    public Builder failureThreshold(int failures) {
      if (failures < 1 || failures > 1000) {
        throw new IllegalArgumentException("failureThreshold must be between 1 and 1000, got " + failures);
      }
      this.failureThreshold = failures;
      return this;
    }

    /** How long an open circuit rejects calls before a trial: 1 ms to 1 hour [10 s]. */
    public Builder openDuration(Duration duration) {
      Objects.requireNonNull(duration, "openDuration");
      if (duration.toMillis() < 1 || duration.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("openDuration must be between 1ms and 1h, got " + duration);
      }
      this.openDuration = duration;
      return this;
    }

    /** The clock the open duration is measured on [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Creates the first adapter through the factory and wraps it. */
    public GuardedStorage build() {
      return new GuardedStorage(this);
    }
  }
}
