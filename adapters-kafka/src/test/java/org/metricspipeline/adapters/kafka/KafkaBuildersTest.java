package org.metricspipeline.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.StorageUnavailableException;
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
    assertThatThrownBy(() -> KafkaMetricsPublisher.builder().maxBlock(Duration.ofMinutes(6)))
        .hasMessageContaining("maxBlock must be between");
    assertThatThrownBy(() -> KafkaMetricsPublisher.builder().maxQueuedRecords(0))
        .hasMessageContaining("maxQueuedRecords must be between");
  }

  @Test
  void sendsToAnUnreachableBrokerNeverBlockAndFailAsUnavailableOrOverloaded() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing answers there
    }
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    try (KafkaMetricsPublisher publisher = KafkaMetricsPublisher.builder().bootstrapServers("127.0.0.1:" + port)
        .maxBlock(Duration.ofMillis(300)).maxQueuedRecords(4).build()) {
      for (int i = 0; i < 20; i++) {
        futures.add(publisher.send(KafkaIngestionAdapterIT.item(i))); // returns at once, never waits 300 ms each
      }
      assertThatThrownBy(() -> futures.get(0).get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageUnavailableException.class)
          .hasMessageContaining("Kafka broker unreachable").hasMessageContaining("maxBlock");
      assertThat(futures).anySatisfy(f -> assertThatThrownBy(f::join).hasCauseInstanceOf(OverloadedException.class)
          .hasMessageContaining("maxQueuedRecords=4"));
      assertThat(publisher.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(futures).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
      assertThat(publisher.stats().errors()).isEqualTo(20);
      assertThat(publisher.stats().pending()).isZero();
    }
  }
}
