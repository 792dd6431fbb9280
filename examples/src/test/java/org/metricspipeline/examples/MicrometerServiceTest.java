package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class MicrometerServiceTest {

  private static int get(HttpClient client, URI uri) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void theServiceChartsItsOwnRequestRateFromMicrometerMeters() throws Exception {
    try (MicrometerService s = MicrometerService.start(0)) {
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 10; i++) {
        assertThat(get(client, URI.create(s.serviceUri() + "/hello"))).isEqualTo(200);
      }
      assertThat(s.registry.flush().join().allSucceeded()).isTrue();
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // the next step needs a later timestamp
      for (int i = 0; i < 10; i++) {
        get(client, URI.create(s.serviceUri() + "/hello"));
      }
      assertThat(s.registry.flush().join().allSucceeded()).isTrue();
      assertThat(s.requestRate("/hello", Duration.ofMinutes(1))).isPositive();
      assertThat(get(client, s.dashboardUri())).isEqualTo(200);
      String data = client.send(HttpRequest.newBuilder(URI.create(s.dashboardUri().resolve("/").toString()
          + "api/v1/dashboards/" + s.dashboard.id() + "/data?range=1h")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(data).contains("\"metric\":\"http_server_requests_seconds_count\"", "\"label\":\"/hello\"");
    }
  }
}
