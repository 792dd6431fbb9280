package org.metricspipeline.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.IngestionProvider;

class KafkaBuildersTest {

  @Test
  void theProviderIsFoundByItsName() {
    assertThat(ServiceLoader.load(IngestionProvider.class).stream().map(p -> p.get().name()))
        .contains(KafkaIngestionAdapter.NAME);
  }

  @Test
  void providerSettingsAreCheckedNamingTheKey() {
    KafkaIngestionProvider provider = new KafkaIngestionProvider();
    assertThatThrownBy(() -> provider.create(AdapterConfig.of(Map.of("bootstrap-servers", "x:1", "topic", "t"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("topic").hasMessageContaining("known");
    assertThatThrownBy(() -> provider.create(AdapterConfig.of(Map.of("topics", "t"))))
        .hasMessageContaining("bootstrap-servers");
    assertThatThrownBy(() -> provider.create(AdapterConfig.of(Map.of("bootstrap-servers", "x:1", "topics", "t",
        "buffer-capacity", "0")))).hasMessageContaining("buffer-capacity").hasMessageContaining("bufferCapacity");
    assertThatThrownBy(() -> provider.create(AdapterConfig.of(Map.of("bootstrap-servers", "x:1"))))
        .hasMessageContaining("topics or topicPattern is required");
  }

  @Test
  void builderOptionsNameTheirRange() {
    assertThatThrownBy(() -> KafkaIngestionAdapter.builder().pollTimeout(Duration.ZERO))
        .hasMessageContaining("pollTimeout must be between");
    assertThatThrownBy(() -> KafkaIngestionAdapter.builder().maxPollRecords(0)).hasMessageContaining("maxPollRecords");
    assertThatThrownBy(() -> KafkaMetricsPublisher.builder().compression("brotli"))
        .hasMessageContaining("compression must be one of");
    assertThatThrownBy(() -> KafkaMetricsPublisher.builder().acks("2")).hasMessageContaining("acks");
    assertThatThrownBy(() -> KafkaMetricsPublisher.builder().bootstrapServers("x:1").encoding(Encoding.AVRO).build())
        .hasMessageContaining("needs eventTypes");
    assertThatThrownBy(() -> KafkaMetricsPublisher.builder().build()).hasMessageContaining("bootstrapServers is required");
  }
}
