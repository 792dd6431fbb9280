package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.spi.AdapterConfig;

/** The {@code http} provider's disk-buffer settings. */
class HttpIngestionProviderIT {

  @TempDir
  Path dir;

  private static IngestionAdapter create(Map<String, String> settings) {
    return new HttpIngestionProvider().create(AdapterConfig.of(settings));
  }

  @Test
  void diskBufferSettingKeepsAcceptedItemsAcrossARestart() throws Exception {
    Map<String, String> settings = Map.of("port", "0", "ack-mode", "accepted",
        "disk-buffer", dir.resolve("buffer").toString(), "disk-buffer-max-bytes", "2097152");
    try (HttpIngestionAdapter http = (HttpIngestionAdapter) create(settings)) {
      assertThat(http.keepsUnsettledItems()).isTrue();
      TestHttp client = new TestHttp(URI.create("http://127.0.0.1:" + http.port()));
      assertThat(client.post("/metrics/ingest", "{\"metric_name\":\"kept\",\"value\":7}").statusCode())
          .isEqualTo(202);
    } // closed with the item unsettled: the disk buffer keeps it

    try (IngestionAdapter http = create(settings)) {
      List<Delivery> delivered = http.poll(10, Duration.ofSeconds(10)).get();
      assertThat(delivered).extracting(d -> d.data().metrics().get(0).name()).containsExactly("kept");
      delivered.forEach(Delivery::ack);
    }
  }

  @Test
  void withoutTheSettingOrWithNoneThereIsNoDiskBuffer() {
    try (IngestionAdapter absent = create(Map.of("port", "0"));
        IngestionAdapter none = create(Map.of("port", "0", "disk-buffer", "none"))) {
      assertThat(absent.keepsUnsettledItems()).isFalse();
      assertThat(none.keepsUnsettledItems()).isFalse();
    }
  }

  @Test
  void aDiskBufferBoundBelowOneMebibyteIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> create(Map.of("port", "0", "disk-buffer", dir.toString(),
        "disk-buffer-max-bytes", "1000")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("disk-buffer-max-bytes")
        .hasMessageContaining("1048576");
  }

  @Test
  void theBufferBoundsInPointsAndTheFullBufferWaitAreSettingsCheckedByName() {
    try (IngestionAdapter http = create(Map.of("port", "0", "max-buffered-points", "50000", "full-buffer-wait", "1s"))) {
      assertThat(http.healthCheck().join().details()).containsEntry("max_points", 50000L);
    }
    assertThatThrownBy(() -> create(Map.of("port", "0", "max-buffered-points", "10")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("max-buffered-points")
        .hasMessageContaining("1000");
    assertThatThrownBy(() -> create(Map.of("port", "0", "full-buffer-wait", "1h")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("full-buffer-wait");
  }
}
