package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.testkit.IngestionAdapterConformanceSuite;

/**
 * The HTTP channel passes the ingestion conformance kit with its producers on the other side of
 * real HTTP: each item is one {@code POST /api/v1/ingest} acknowledged once stored
 * ({@link AckMode#STORED}), so a rejected item reaches its producer as a 400, and an item still
 * unsettled when the channel closes as a request that never answered 2xx.
 */
class HttpIngestionAdapterConformanceIT extends IngestionAdapterConformanceSuite {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Every request a test's producers made, per channel: the item and its answer's status (-1: no answer). */
  private final Map<IngestionAdapter, List<Sent>> sent = new ConcurrentHashMap<>();

  private record Sent(MetricsData item, CompletableFuture<Integer> status) {}

  @Override
  protected IngestionAdapter createChannel(int capacity) {
    return HttpIngestionAdapter.builder().port(0).capacity(capacity).ackMode(AckMode.STORED)
        .storedTimeout(timeout().multipliedBy(2)).shutdownTimeout(Duration.ofMillis(500)).build();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }

  /** Items the channel accepted so far (queued, unsettled, acked or rejected), from its health figures. */
  private long accepted(IngestionAdapter channel) {
    Map<String, Object> d = await(channel.healthCheck()).details();
    long total = 0;
    for (String key : List.of("queued", "unsettled", "acked", "rejected")) {
      total += ((Number) d.get(key)).longValue();
    }
    return total;
  }

  @Override
  protected void produce(IngestionAdapter channel, List<MetricsData> items) {
    HttpIngestionAdapter http = (HttpIngestionAdapter) channel;
    long before = accepted(channel);
    List<Sent> mine = sent.computeIfAbsent(channel, c -> new java.util.concurrent.CopyOnWriteArrayList<>());
    for (MetricsData item : items) {
      HttpRequest post = HttpRequest.newBuilder(URI.create(http.uri() + "/api/v1/ingest"))
          .header("Content-Type", "application/json").timeout(timeout().multipliedBy(3))
          .POST(HttpRequest.BodyPublishers.ofByteArray(MetricsJson.encode(item))).build();
      CompletableFuture<Integer> status = CLIENT.sendAsync(post, HttpResponse.BodyHandlers.discarding())
          .thenApply(HttpResponse::statusCode).exceptionally(t -> -1);
      mine.add(new Sent(item, status));
    }
    // ack=stored answers once settled: the channel holds the items when its figures say so
    long deadline = System.nanoTime() + timeout().toNanos();
    while (accepted(channel) < before + items.size()) {
      assertThat(System.nanoTime()).as("the HTTP channel accepting %d items", items.size()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Override
  protected List<MetricsData> reportedRejections(IngestionAdapter channel) {
    List<MetricsData> out = new ArrayList<>();
    for (Sent s : sent.getOrDefault(channel, List.of())) {
      if (s.status().isDone() && s.status().join() == 400) {
        out.add(s.item());
      }
    }
    return out;
  }

  @Override
  protected List<MetricsData> unsettledAfterClose(IngestionAdapter closed) {
    List<MetricsData> out = new ArrayList<>();
    for (Sent s : sent.getOrDefault(closed, List.of())) {
      int status;
      try {
        status = s.status().get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new AssertionError("a request to a closed HTTP channel never ended", e);
      }
      if (status < 200 || status > 299) {
        out.add(s.item()); // the producer was told the item was not stored
      }
    }
    return out;
  }
}
