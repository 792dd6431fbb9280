package org.metricspipeline.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.http.EndpointStats;

class RequestStatsTest {

  @Test
  void madeUpMethodsAreCountedTogetherSoClientsCannotGrowTheCounters() {
    RequestStats stats = new RequestStats();
    for (int i = 0; i < 1_000; i++) {
      stats.record("X-METHOD-" + i, "(unmatched)", 405, 1_000);
    }
    stats.record("GET", "/health", 200, 1_000);

    List<EndpointStats> snapshot = stats.snapshot();
    assertThat(snapshot).extracting(EndpointStats::method).containsExactlyInAnyOrder(RequestStats.OTHER_METHOD, "GET");
    assertThat(snapshot).filteredOn(e -> e.method().equals(RequestStats.OTHER_METHOD))
        .singleElement().extracting(EndpointStats::count).isEqualTo(1_000L);
  }
}
