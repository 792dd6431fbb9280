package org.metricspipeline.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;

/**
 * A storage adapter for channel tests (outages, crashes, rebalances): it stores through a real
 * delegate and remembers every item it stored, in order, keyed by the item's {@code id} (or else
 * {@code event_id}) context entry, so a test counts what was lost and what was stored twice. It can
 * fail the next calls as if the store were down, slow every call down, or hold every write until
 * released (a frozen store).
 *
 * <pre>{@code
 * RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
 * // ... run a pipeline into storage, kill things ...
 * assertThat(storage.distinct()).isEqualTo(sent);
 * System.out.println(storage.duplicates() + " duplicates");
 * }</pre>
 */
public final class RecordingStorage implements StorageAdapter {

  private final StorageAdapter delegate;
  private final List<MetricsData> stored = new ArrayList<>();
  private final Map<String, AtomicInteger> timesStored = new ConcurrentHashMap<>();
  private final Map<String, MetricsData> lastById = new ConcurrentHashMap<>();
  private final LongAdder failures = new LongAdder();
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile Duration delay = Duration.ZERO;
  private volatile Consumer<List<MetricsData>> beforeEachStore = batch -> {};
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
  private final LongAdder healthChecks = new LongAdder();

  private RecordingStorage(StorageAdapter delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** Records what {@code delegate} stores; closing this closes the delegate. */
  public static RecordingStorage wrapping(StorageAdapter delegate) {
    return new RecordingStorage(delegate);
  }

  /** The key items are counted by: the {@code id} context entry, else {@code event_id}, else "null". */
  public static String id(MetricsData data) {
    Object id = data.context().get("id");
    return String.valueOf(id != null ? id : data.context().get("event_id"));
  }

  /** The next {@code n} batchStore calls fail with {@link StorageUnavailableException}. */
  public RecordingStorage failNext(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    failNext.set(n);
    return this;
  }

  /** Every later batchStore call sleeps this long on the caller's thread first (slow storage). */
  public RecordingStorage delayEachStore(Duration delay) {
    this.delay = Objects.requireNonNull(delay, "delay");
    return this;
  }

  /** Runs {@code action} with every batch before it is stored (after the delay). */
  public RecordingStorage beforeEachStore(Consumer<List<MetricsData>> action) {
    this.beforeEachStore = Objects.requireNonNull(action, "action");
    return this;
  }

  /** Later writes wait (without blocking the caller) until {@link #releaseStores()}: a frozen store. */
  public RecordingStorage holdStores() {
    if (gate.isDone()) {
      gate = new CompletableFuture<>();
    }
    return this;
  }

  /** Lets every held and later write through. */
  public RecordingStorage releaseStores() {
    gate.complete(null);
    return this;
  }

  /** How many health checks were asked of this storage. */
  public long healthChecks() {
    return healthChecks.sum();
  }

  /** Stored items, each time it was stored, in the order the delegate confirmed them. */
  public List<MetricsData> stored() {
    synchronized (stored) {
      return List.copyOf(stored);
    }
  }

  /** How many items were stored, duplicates included. */
  public long storedCount() {
    synchronized (stored) {
      return stored.size();
    }
  }

  /** How many distinct ids were stored. */
  public int distinct() {
    return timesStored.size();
  }

  /** Stores beyond the first of each id. */
  public long duplicates() {
    synchronized (stored) {
      return stored.size() - (long) timesStored.size();
    }
  }

  /** The distinct ids stored so far. */
  public Set<String> ids() {
    return new HashSet<>(timesStored.keySet());
  }

  /** How often the item with this id was stored (0 when never). */
  public int timesStored(String id) {
    AtomicInteger times = timesStored.get(id);
    return times == null ? 0 : times.get();
  }

  /** The item last stored with this id. */
  public Optional<MetricsData> byId(String id) {
    return Optional.ofNullable(lastById.get(id));
  }

  /** How many batchStore calls failed on command ({@link #failNext}). */
  public long failures() {
    return failures.sum();
  }

  /** This storage for one of several pipelines: closing the view does not close the storage. */
  public StorageAdapter shared() {
    RecordingStorage self = this;
    return new StorageAdapter() {
      @Override
      public String name() {
        return self.name();
      }

      @Override
      public CompletableFuture<Void> store(MetricsData data) {
        return self.store(data);
      }

      @Override
      public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
        return self.batchStore(batch);
      }

      @Override
      public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
        return self.query(query);
      }

      @Override
      public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
        return self.aggregate(query);
      }

      @Override
      public CompletableFuture<HealthCheckResult> healthCheck() {
        return self.healthCheck();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public String name() {
    return "recording-" + delegate.name();
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    return batchStore(List.of(data)).thenApply(result -> null);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      failures.increment();
      return CompletableFuture.failedFuture(new StorageUnavailableException("recording storage failed on command"));
    }
    return gate.thenCompose(open -> {
      Duration wait = delay;
      if (!wait.isZero()) {
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      beforeEachStore.accept(batch);
      return delegate.batchStore(batch);
    }).thenApply(result -> {
      Set<Integer> failed = new HashSet<>();
      result.failures().forEach(f -> failed.add(f.index()));
      synchronized (stored) {
        for (int i = 0; i < batch.size(); i++) {
          if (!failed.contains(i)) {
            MetricsData data = batch.get(i);
            String id = id(data);
            stored.add(data);
            lastById.put(id, data);
            timesStored.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          }
        }
      }
      return result;
    });
  }

  @Override
  public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
    return delegate.query(query);
  }

  @Override
  public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
    return delegate.aggregate(query);
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    healthChecks.increment();
    return delegate.healthCheck();
  }

  /** Releases held writes, then closes the delegate. */
  @Override
  public void close() {
    releaseStores();
    delegate.close();
  }
}
