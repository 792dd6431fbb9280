package org.metricspipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;

class RecordingStorageTest {

  /** Refuses every item whose value is negative, like a store refusing bad items one by one. */
  static final class RefusingNegatives implements StorageAdapter {
    final List<MetricsData> kept = new ArrayList<>();
    boolean closed;

    @Override public String name() { return "refusing"; }
    @Override public CompletableFuture<Void> store(MetricsData data) { return batchStore(List.of(data)).thenApply(r -> null); }
    @Override public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
      List<MetricsBatchResult.Failure> failures = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        if (batch.get(i).metrics().get(0).value() < 0) {
          failures.add(MetricsBatchResult.Failure.of(i, "negative"));
        } else {
          kept.add(batch.get(i));
        }
      }
      return CompletableFuture.completedFuture(MetricsBatchResult.of(batch.size(), failures));
    }
    @Override public CompletableFuture<List<MetricsData>> query(MetricsQuery query) { return CompletableFuture.completedFuture(List.of()); }
    @Override public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) { throw new UnsupportedOperationException(); }
    @Override public CompletableFuture<HealthCheckResult> healthCheck() { return CompletableFuture.completedFuture(HealthCheckResult.healthy(Map.of())); }
    @Override public void close() { closed = true; }
  }

  static MetricsData item(String idKey, String id, double value) {
    return new MetricsData(Instant.parse("2024-01-01T00:00:00Z"), "system", List.of(Metric.of("cpu", value)), "h",
        Map.of(idKey, id));
  }

  @Test
  void countsWhatTheDelegateStoredByIdOrEventIdAndSkipsWhatItRefused() {
    RefusingNegatives delegate = new RefusingNegatives();
    RecordingStorage storage = RecordingStorage.wrapping(delegate);
    storage.batchStore(List.of(item("id", "a", 1), item("id", "b", -1), item("event_id", "c", 2))).join();
    storage.batchStore(List.of(item("id", "a", 3))).join();

    assertThat(storage.ids()).containsExactlyInAnyOrder("a", "c");
    assertThat(storage.distinct()).isEqualTo(2);
    assertThat(storage.storedCount()).isEqualTo(3);
    assertThat(storage.duplicates()).isEqualTo(1);
    assertThat(storage.timesStored("a")).isEqualTo(2);
    assertThat(storage.timesStored("b")).isZero();
    assertThat(storage.byId("a").orElseThrow().metrics().get(0).value()).isEqualTo(3);
    assertThat(storage.stored()).extracting(RecordingStorage::id).containsExactly("a", "c", "a");
  }

  @Test
  void failsOnCommandWithoutReachingTheDelegateThenStoresAgain() {
    RefusingNegatives delegate = new RefusingNegatives();
    RecordingStorage storage = RecordingStorage.wrapping(delegate).failNext(2);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> storage.store(item("id", "x", 1)).join()).isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(StorageUnavailableException.class);
    }
    storage.store(item("id", "x", 1)).join();
    assertThat(storage.failures()).isEqualTo(2);
    assertThat(delegate.kept).hasSize(1);
    assertThat(storage.distinct()).isEqualTo(1);
  }

  @Test
  void theSharedViewStoresIntoTheSameRecordButDoesNotCloseIt() {
    RefusingNegatives delegate = new RefusingNegatives();
    RecordingStorage storage = RecordingStorage.wrapping(delegate);
    List<String> seen = new ArrayList<>();
    storage.beforeEachStore(batch -> batch.forEach(d -> seen.add(RecordingStorage.id(d))));
    StorageAdapter view = storage.shared();
    view.store(item("id", "v", 1)).join();
    view.close();
    assertThat(delegate.closed).isFalse();
    assertThat(storage.ids()).containsExactly("v");
    assertThat(seen).containsExactly("v");
    storage.close();
    assertThat(delegate.closed).isTrue();
  }

  @Test
  void heldWritesWaitWithoutBlockingTheCallerUntilReleased() {
    RefusingNegatives delegate = new RefusingNegatives();
    RecordingStorage storage = RecordingStorage.wrapping(delegate).holdStores();
    CompletableFuture<MetricsBatchResult> held = storage.batchStore(List.of(item("id", "h", 1)));
    assertThat(held).isNotDone();
    assertThat(delegate.kept).isEmpty();
    storage.releaseStores();
    assertThat(held.join().successCount()).isEqualTo(1);
    assertThat(storage.ids()).containsExactly("h");
  }
}
