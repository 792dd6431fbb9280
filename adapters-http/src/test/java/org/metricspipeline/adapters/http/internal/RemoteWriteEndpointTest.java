package org.metricspipeline.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.http.RemoteWriteRequests;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;

class RemoteWriteEndpointTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-12-03T12:05:00Z"), ZoneOffset.UTC);
  private static final long T = Instant.parse("2025-12-03T12:00:00Z").toEpochMilli();
  private static final double STALE = Double.longBitsToDouble(RemoteWriteEndpoint.STALE_NAN_BITS);
  private final List<MetricsData> sunk = new ArrayList<>();
  private final RemoteWriteEndpoint endpoint = new RemoteWriteEndpoint(items -> {
    sunk.addAll(items);
    return CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(items.size()));
  }, MetricsValidator.builder().clock(CLOCK).build(), CLOCK, 100);

  /** As the server's handler hands it over: already decompressed, the headers as sent. */
  private EndpointResponse post(byte[] protobuf, String... headers) {
    Map<String, String> h = new java.util.LinkedHashMap<>(Map.of("Content-Type", "application/x-protobuf",
        "Content-Encoding", "snappy", "X-Prometheus-Remote-Write-Version", "0.1.0"));
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], headers[i + 1]);
    }
    return endpoint.handle(new EndpointRequest("POST", RemoteWriteEndpoint.PATH, Map.of(), Map.of(), h, protobuf, ""))
        .join();
  }

  private static JsonNode error(EndpointResponse r) throws Exception {
    return new ObjectMapper().readTree(r.body()).path("error");
  }

  @Test
  void samplesBecomeItemsNamedByTheirNameLabelAndTaggedWithTheOthers() {
    EndpointResponse r = post(RemoteWriteRequests.request()
        .series("up", Map.of("job", "node", "instance", "a:9100"), 1, T, 0, T + 15_000)
        .series("http_requests_total", Map.of("code", "200", "empty", ""), 1027.5, T).protobuf());

    assertThat(r.status()).isEqualTo(204);
    assertThat(sunk).hasSize(3);
    assertThat(sunk.get(0).metricType()).isEqualTo("prometheus");
    assertThat(sunk).extracting(MetricsData::timestamp).containsExactly(Instant.ofEpochMilli(T),
        Instant.ofEpochMilli(T + 15_000), Instant.ofEpochMilli(T));
    assertThat(sunk.get(1).metrics()).containsExactly(new Metric("up", 0, "", Map.of("job", "node", "instance", "a:9100")));
    // an empty label value is no label, as in Prometheus
    assertThat(sunk.get(2).metrics()).containsExactly(new Metric("http_requests_total", 1027.5, "", Map.of("code", "200")));
  }

  @Test
  void stalenessMarkersAreSkipped() {
    EndpointResponse r = post(RemoteWriteRequests.request().series("up", Map.of(), 1, T, STALE, T + 15_000).protobuf());

    assertThat(r.status()).isEqualTo(204);
    assertThat(sunk).singleElement().satisfies(d -> assertThat(d.metrics().get(0).value()).isEqualTo(1));
    assertThat(post(RemoteWriteRequests.request().series("up", Map.of(), STALE, T).protobuf()).status()).isEqualTo(204);
  }

  @Test
  void anEmptyRequestIsAccepted() {
    assertThat(post(new byte[0]).status()).isEqualTo(204); // Prometheus sends metadata-only requests
  }

  @Test
  void otherNansAndBadNamesAreNamedWhileTheValidSamplesAreWritten() throws Exception {
    EndpointResponse r = post(RemoteWriteRequests.request()
        .series("ok", Map.of(), 1, T)
        .series("bad", Map.of(), Double.NaN, T, Double.POSITIVE_INFINITY, T + 1, 2, T + 2)
        .series(null, Map.of("job", "x"), 1, T)
        .series("9starts_with_digit", Map.of(), 1, T)
        .series("ok2", Map.of("bad key", "v"), 1, T).protobuf());

    assertThat(r.status()).isEqualTo(400);
    JsonNode e = error(r);
    assertThat(e.path("message").asText()).startsWith("partial write: 2 samples written, 5 rejected");
    assertThat(e.path("details").path("errors")).extracting(n -> n.path("field").asText()).containsExactly(
        "timeseries[1].samples[0].value", "timeseries[1].samples[1].value", "timeseries[2].labels.__name__",
        "timeseries[3].labels.__name__", "timeseries[4].labels.bad key");
    assertThat(sunk).extracting(d -> d.metrics().get(0).name()).containsExactly("ok", "bad");
  }

  @Test
  void malformedProtobufIsA400() {
    assertThat(post(new byte[] {(byte) 0xff, 1, 2}).status()).isEqualTo(400);
    byte[] good = RemoteWriteRequests.request().series("up", Map.of(), 1, T).protobuf();
    assertThat(post(java.util.Arrays.copyOf(good, good.length - 2)).status()).isEqualTo(400);
    // field 1 as a varint instead of a message
    assertThat(post(new byte[] {0x08, 0x01}).status()).isEqualTo(400);
  }

  @Test
  void invalidUtf8InALabelIsA400() {
    byte[] good = RemoteWriteRequests.request().series("up", Map.of("job", "é"), 1, T).protobuf();
    byte[] bad = good.clone();
    for (int i = 0; i + 1 < bad.length; i++) {
      if (bad[i] == (byte) 0xC3 && bad[i + 1] == (byte) 0xA9) {
        bad[i + 1] = 0x28;
      }
    }
    assertThat(post(bad).status()).isEqualTo(400);
    assertThat(sunk).isEmpty();
  }

  @Test
  void moreSamplesThanTheBufferHoldsAnswer413() {
    double[] pairs = new double[202];
    for (int i = 0; i < pairs.length; i += 2) {
      pairs[i] = i;
      pairs[i + 1] = T + i;
    }
    assertThat(post(RemoteWriteRequests.request().series("m", Map.of(), pairs).protobuf()).status()).isEqualTo(413);
    assertThat(sunk).isEmpty();
  }

  @Test
  void otherEncodingsTypesAndVersionsAre415() {
    byte[] body = RemoteWriteRequests.request().series("up", Map.of(), 1, T).protobuf();
    assertThat(post(body, "Content-Encoding", "gzip").status()).isEqualTo(415);
    assertThat(post(body, "Content-Type", "application/json").status()).isEqualTo(415);
    assertThat(post(body, "Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request").status())
        .isEqualTo(415);
    assertThat(post(body, "X-Prometheus-Remote-Write-Version", "2.0.0").status()).isEqualTo(415);
    assertThat(sunk).isEmpty();
  }
}
