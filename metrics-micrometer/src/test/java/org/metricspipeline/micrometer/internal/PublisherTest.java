package org.metricspipeline.micrometer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.OverloadedException;

class PublisherTest {

  private static final List<MetricsData> ITEMS =
      List.of(MetricsData.of(Instant.EPOCH, "t", List.of(Metric.of("m", 1))));

  @Test
  void refusalsAreLoggedAtMostOnceAMinute() {
    AtomicLong nanos = new AtomicLong();
    Publisher publisher = new Publisher("test",
        batch -> CompletableFuture.failedFuture(new OverloadedException("queue is full", java.time.Duration.ofSeconds(1))),
        nanos::get);
    for (int i = 0; i < 10; i++) {
      publisher.publish(ITEMS).join();
    }
    assertThat(publisher.failures()).isEqualTo(10);
    assertThat(publisher.itemsRefused()).isEqualTo(10);
    assertThat(publisher.warningsSuppressed()).isEqualTo(9); // the first was logged
    nanos.addAndGet(Publisher.LOG_INTERVAL_NANOS);
    publisher.publish(ITEMS).join();
    assertThat(publisher.warningsSuppressed()).isEqualTo(9); // a minute later: logged again
  }

  @Test
  void refusedItemsOfAnAnsweredBatchAreCounted() {
    Publisher publisher = new Publisher("test", batch -> CompletableFuture.completedFuture(
        MetricsBatchResult.of(batch.size(), List.of(MetricsBatchResult.Failure.of(0, "queue is full")))), System::nanoTime);
    MetricsBatchResult r = publisher.publish(ITEMS).join();
    assertThat(r.failureCount()).isEqualTo(1);
    assertThat(publisher.itemsRefused()).isEqualTo(1);
    assertThat(publisher.itemsAccepted()).isZero();
    assertThat(publisher.inFlight()).isFalse();
  }
}
