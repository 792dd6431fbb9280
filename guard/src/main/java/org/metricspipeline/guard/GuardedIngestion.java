package org.metricspipeline.guard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IngestionAdapter} decorator the guard can repair: {@link #restart()} creates a new
 * channel through its factory (a provider by name, or any supplier), sends producers and polls to
 * it, and retires the old one, which is closed only once what it handed out is settled. Hand it to
 * the pipeline instead of the channel:
 *
 * <pre>{@code
 * GuardedIngestion channel = GuardedIngestion.builder(() -> AdapterRegistry.ingestion("sqs", config)).build();
 * MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(channel).build();
 * guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).build(); // adds restart-ingestion
 * }</pre>
 *
 * <h2>What a restart does with the old channel's data</h2>
 *
 * <ul>
 *   <li>Producers ({@link #ingest}, {@link #batchIngest}) go to the new channel at once; a call
 *       already inside the old channel finishes there first.
 *   <li>Deliveries the old channel handed out stay valid: the pipeline stores them and settles them
 *       on the old channel (ack only after storage accepted the item, as always), because the old
 *       channel stays open while any of them is unsettled.
 *   <li>The old channel is still polled (without waiting), before the new one, until a poll of it
 *       answers empty or fails: items it still holds (an in-process queue such as the memory
 *       channel) reach the pipeline instead of being lost. A delivery nacked back to it makes it
 *       polled again.
 *   <li>It is closed once drained and settled, or when {@code drainTimeout} [2 min] has passed on the
 *       clock since the restart, whatever it still holds. Then the channel's own close rules apply:
 *       SQS makes unsettled messages visible again, so they are delivered again through the new
 *       channel (and stored twice if the late ack of the old delivery never reached the queue:
 *       at-least-once); the memory channel keeps what it still held in its
 *       {@code undelivered()} list and logs how many items that is; nothing re-offers them.
 *   <li>A poll that was waiting on the old channel is answered empty at once, so the pipeline
 *       polls again without waiting for a broken channel; deliveries that old poll brings later
 *       are nacked back to the old channel.
 * </ul>
 *
 * <p>Housekeeping (draining, closing retired channels) runs inside {@link #poll} and
 * {@link #healthCheck}; no thread of its own. {@link #close()} closes the current and every retired
 * channel.
 */
public final class GuardedIngestion implements IngestionAdapter, SelfMeasuring {

  /** Default longest time a retired channel stays open for its deliveries to be settled. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofMinutes(2);

  private static final Logger LOG = LoggerFactory.getLogger(GuardedIngestion.class);
  private static final Duration DRAIN_POLL_TIMEOUT = Duration.ofSeconds(5);

  private final Supplier<IngestionAdapter> factory;
  private final Duration drainTimeout;
  private final Clock clock;
  private final String name;
  // Producers hold the read lock while calling the current channel; a restart swaps under the
  // write lock, so no producer is still inside a channel once it is retired.
  private final ReadWriteLock swap = new ReentrantReadWriteLock();
  private final Object retiredLock = new Object();
  private final List<Channel> retired = new ArrayList<>(); // oldest first; guarded by retiredLock
  private final AtomicLong generation = new AtomicLong(1);
  private final AtomicLong drainedDeliveries = new AtomicLong();
  private volatile Channel current;
  private volatile boolean closed;

  private GuardedIngestion(Builder b) {
    this.factory = b.factory;
    this.drainTimeout = b.drainTimeout;
    this.clock = b.clock;
    this.current = new Channel(Objects.requireNonNull(factory.get(), "the ingestion factory returned null"), 1);
    this.name = current.adapter.name();
  }

  /** A builder creating the channel (now and on each restart) with {@code factory}. */
  public static Builder builder(Supplier<IngestionAdapter> factory) {
    return new Builder(Objects.requireNonNull(factory, "factory"));
  }

  /** A builder creating the channel through the ingestion provider with this name. */
  public static Builder builder(String providerName, AdapterConfig config) {
    Objects.requireNonNull(providerName, "providerName");
    Objects.requireNonNull(config, "config");
    return new Builder(() -> AdapterRegistry.ingestion(providerName, config));
  }

  @Override
  public String name() {
    return name;
  }

  /** The channel producers and polls go to now. */
  public IngestionAdapter delegate() {
    return current.adapter;
  }

  /**
   * This decorator's own capabilities (such as {@code SelfMeasuring}, covering the channel's figures
   * and the restarts'), else those of the channel producers and polls go to now. What a channel
   * offers belongs to that channel: after a restart, look it up again.
   */
  @Override
  public <T> Optional<T> capability(Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (type.isInstance(this)) {
      return Optional.of(type.cast(this));
    }
    return current.adapter.capability(type);
  }

  /** How many channels were created: 1, plus one per restart. */
  public long generation() {
    return generation.get();
  }

  /** Replaced channels not closed yet (still draining or with unsettled deliveries). */
  public int retiredChannels() {
    synchronized (retiredLock) {
      return retired.size();
    }
  }

  /**
   * Creates a new channel through the factory, sends producers and polls to it and retires the
   * current one (see the class comment). Returns whether the new channel's health check answers
   * healthy or degraded within 5 seconds. A factory that throws leaves the current channel in
   * place and returns false.
   */
  public boolean restart() {
    if (closed) {
      return false;
    }
    IngestionAdapter fresh;
    try {
      fresh = Objects.requireNonNull(factory.get(), "the ingestion factory returned null");
    } catch (RuntimeException e) {
      LOG.warn("re-creating ingestion channel {} failed: {}", name, e.toString());
      return false;
    }
    Channel old;
    swap.writeLock().lock();
    try {
      old = current;
      current = new Channel(fresh, generation.incrementAndGet());
      old.retiredAt = clock.instant();
    } finally {
      swap.writeLock().unlock();
    }
    synchronized (retiredLock) {
      retired.add(old);
    }
    for (CompletableFuture<List<Delivery>> waiting : List.copyOf(old.waitingPolls)) {
      waiting.complete(List.of()); // the pipeline polls again, now through the new channel
    }
    LOG.info("ingestion channel {} re-created (generation {}); the old one drains: {} unsettled deliveries",
        name, current.number, old.unsettled.get());
    housekeeping();
    return FreshAdapters.usable(fresh::healthCheck);
  }

  @Override
  public CompletableFuture<Void> ingest(MetricsData data) {
    swap.readLock().lock();
    try {
      return current.adapter.ingest(data);
    } finally {
      swap.readLock().unlock();
    }
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchIngest(List<MetricsData> batch) {
    swap.readLock().lock();
    try {
      return current.adapter.batchIngest(batch);
    } finally {
      swap.readLock().unlock();
    }
  }

  @Override
  public CompletableFuture<MetricsValidationResult> validate(MetricsData data) {
    return current.adapter.validate(data);
  }

  /**
   * Takes deliveries from a retired channel still holding some (without waiting), else from the
   * current channel, waiting up to {@code maxWait}.
   */
  @Override
  public CompletableFuture<List<Delivery>> poll(int maxDeliveries, Duration maxWait) {
    housekeeping();
    Channel draining = firstUndrained();
    if (draining == null) {
      return pollFrom(current, maxDeliveries, maxWait);
    }
    return drain(draining, maxDeliveries).thenCompose(list -> {
      if (!list.isEmpty()) {
        return CompletableFuture.completedFuture(list);
      }
      housekeeping();
      return pollFrom(current, maxDeliveries, maxWait);
    });
  }

  /** One poll of a retired channel; empty (and marked drained) when it has nothing or fails. */
  private CompletableFuture<List<Delivery>> drain(Channel c, int max) {
    CompletableFuture<List<Delivery>> polled;
    try {
      polled = c.adapter.poll(max, Duration.ZERO);
    } catch (RuntimeException e) {
      polled = CompletableFuture.failedFuture(e);
    }
    // Our own future times out, not the channel's: deliveries it brings later are given back.
    CompletableFuture<List<Delivery>> answer = new CompletableFuture<>();
    polled.whenComplete((list, failure) -> {
      boolean taken = failure != null ? answer.completeExceptionally(failure) : answer.complete(list);
      if (!taken && list != null) {
        for (Delivery d : list) {
          d.nack("the drain poll of a replaced channel timed out");
        }
      }
    });
    return answer.orTimeout(DRAIN_POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).handle((list, failure) -> {
      if (failure != null || list == null || list.isEmpty()) {
        if (failure != null) {
          LOG.warn("draining the replaced ingestion channel {} (generation {}) failed; leaving it: {}",
              name, c.number, failure.toString());
        }
        c.drained = true;
        return List.of();
      }
      drainedDeliveries.addAndGet(list.size());
      return wrap(c, list);
    });
  }

  private CompletableFuture<List<Delivery>> pollFrom(Channel c, int max, Duration wait) {
    CompletableFuture<List<Delivery>> inner = c.adapter.poll(max, wait);
    if (inner.isDone() && !inner.isCompletedExceptionally()) {
      return CompletableFuture.completedFuture(wrap(c, inner.join()));
    }
    CompletableFuture<List<Delivery>> outer = new CompletableFuture<>();
    c.waitingPolls.add(outer);
    inner.whenComplete((list, failure) -> {
      c.waitingPolls.remove(outer);
      if (failure != null) {
        outer.completeExceptionally(failure);
        return;
      }
      List<Delivery> wrapped = wrap(c, list);
      if (!outer.complete(wrapped)) {
        // answered empty by a restart: give these back to the channel they came from
        for (Delivery d : wrapped) {
          d.nack("the channel was replaced while this poll waited");
        }
      }
    });
    return outer;
  }

  private List<Delivery> wrap(Channel c, List<Delivery> list) {
    if (list == null || list.isEmpty()) {
      return List.of();
    }
    List<Delivery> out = new ArrayList<>(list.size());
    for (Delivery d : list) {
      out.add(new TrackedDelivery(d, c));
    }
    c.unsettled.addAndGet(out.size());
    return out;
  }

  /** The current channel's health, with {@code generation} and {@code retired_channels} details. */
  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    housekeeping();
    CompletableFuture<HealthCheckResult> f;
    try {
      f = current.adapter.healthCheck();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    long gen = generation.get();
    int retiredNow = retiredChannels();
    return f.handle((h, t) -> {
      HealthCheckResult r = h != null ? h : HealthCheckResult.unhealthy("health check failed: " + t);
      Map<String, Object> details = new LinkedHashMap<>(r.details());
      details.put("generation", gen);
      details.put("retired_channels", retiredNow);
      return new HealthCheckResult(r.status(), details);
    });
  }

  @Override
  public List<Measurement> measurements() {
    List<Measurement> list = new ArrayList<>();
    current.adapter.capability(SelfMeasuring.class).ifPresent(s -> list.addAll(s.measurements()));
    Map<String, String> labels = Map.of("channel", name);
    list.add(new Measurement("metrics_guard_ingestion_restarts_total", Measurement.Kind.COUNTER,
        "Times the ingestion channel was re-created", labels, generation.get() - 1));
    list.add(new Measurement("metrics_guard_ingestion_retired_channels", Measurement.Kind.GAUGE,
        "Replaced ingestion channels still open to drain or settle", labels, retiredChannels()));
    list.add(new Measurement("metrics_guard_ingestion_drained_total", Measurement.Kind.COUNTER,
        "Deliveries taken from replaced ingestion channels", labels, drainedDeliveries.get()));
    return List.copyOf(list);
  }

  /** Closes the current channel and every retired one. */
  @Override
  public void close() {
    List<Channel> all;
    swap.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      swap.writeLock().unlock();
    }
    synchronized (retiredLock) {
      all = new ArrayList<>(retired);
      retired.clear();
    }
    all.add(current);
    for (Channel c : all) {
      closeQuietly(c);
    }
  }

  private Channel firstUndrained() {
    synchronized (retiredLock) {
      for (Channel c : retired) {
        if (!c.drained) {
          return c;
        }
      }
      return null;
    }
  }

  /** Closes retired channels that are drained and settled, or whose drain time is up. */
  private void housekeeping() {
    List<Channel> done = new ArrayList<>();
    Instant now = clock.instant();
    synchronized (retiredLock) {
      for (var it = retired.iterator(); it.hasNext(); ) {
        Channel c = it.next();
        boolean finished = c.drained && c.unsettled.get() == 0;
        boolean timedOut = !now.isBefore(c.retiredAt.plus(drainTimeout));
        if (finished || timedOut) {
          it.remove();
          done.add(c);
          if (!finished) {
            LOG.warn("closing the replaced ingestion channel {} (generation {}) after its drain time of {}: "
                + "{} deliveries unsettled, {}", name, c.number, drainTimeout, c.unsettled.get(),
                c.drained ? "drained" : "not drained");
          }
        }
      }
    }
    for (Channel c : done) {
      closeQuietly(c);
    }
  }

  private void closeQuietly(Channel c) {
    try {
      c.adapter.close();
      LOG.debug("ingestion channel {} generation {} closed", name, c.number);
    } catch (RuntimeException e) {
      LOG.warn("closing ingestion channel {} (generation {}) failed: {}", name, c.number, e.toString());
    }
  }

  @Override
  public String toString() {
    return "GuardedIngestion{" + name + ", generation=" + generation.get() + ", retired=" + retiredChannels() + "}";
  }

  /** One channel the decorator created, and what it handed out. */
  private static final class Channel {
    final IngestionAdapter adapter;
    final long number;
    final AtomicLong unsettled = new AtomicLong();
    final Set<CompletableFuture<List<Delivery>>> waitingPolls = ConcurrentHashMap.newKeySet();
    volatile Instant retiredAt;
    volatile boolean drained;

    Channel(IngestionAdapter adapter, long number) {
      this.adapter = adapter;
      this.number = number;
    }
  }

  /** Settles on the channel it came from, once, and keeps that channel's count of unsettled ones. */
  private static final class TrackedDelivery implements Delivery {
    private final Delivery inner;
    private final Channel channel;
    private final AtomicBoolean settled = new AtomicBoolean();

    TrackedDelivery(Delivery inner, Channel channel) {
      this.inner = inner;
      this.channel = channel;
    }

    @Override
    public MetricsData data() {
      return inner.data();
    }

    @Override
    public boolean awaited() {
      return inner.awaited();
    }

    @Override
    public void ack() {
      if (settled.compareAndSet(false, true)) {
        try {
          inner.ack();
        } finally {
          channel.unsettled.decrementAndGet();
        }
      }
    }

    @Override
    public void nack(String reason) {
      if (settled.compareAndSet(false, true)) {
        try {
          inner.nack(reason);
        } finally {
          channel.drained = false; // it is back in that channel: poll it again before closing
          channel.unsettled.decrementAndGet();
        }
      }
    }

    @Override
    public void reject(MetricsValidationResult reason) {
      if (settled.compareAndSet(false, true)) {
        try {
          inner.reject(reason);
        } finally {
          channel.unsettled.decrementAndGet();
        }
      }
    }
  }

  /** Builds a {@link GuardedIngestion}; setters reject values out of range, naming the option. */
  public static final class Builder {
    private final Supplier<IngestionAdapter> factory;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder(Supplier<IngestionAdapter> factory) {
      this.factory = factory;
    }

    /**
     * The longest a replaced channel stays open for its deliveries to be settled and its items
     * drained: 0 to 1 hour [2 min]. Make it longer than the pipeline takes to give up on a batch
   * (its retries times its store timeout), so a slow store does not get deliveries offered twice.
     */
    public Builder drainTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "drainTimeout");
      if (timeout.isNegative() || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("drainTimeout must be between 0 and 1h, got " + timeout);
      }
      this.drainTimeout = timeout;
      return this;
    }

    /** The clock the drain timeout is measured on [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Creates the first channel through the factory and wraps it. */
    public GuardedIngestion build() {
      return new GuardedIngestion(this);
    }
  }
}
