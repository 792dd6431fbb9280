package org.metricspipeline.adapters.sqs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.spi.AdapterConfig;

class SqsBuildersTest {

  @Test
  void connectionRequiresExactlyOneOfQueueUrlAndName() {
    assertThatThrownBy(() -> SqsConnection.builder().build())
        .hasMessageContaining("exactly one of queueUrl and queueName");
    assertThatThrownBy(() -> SqsConnection.builder().queueUrl("http://h/q").queueName("q").build())
        .hasMessageContaining("got both");
  }

  @Test
  void rejectsOutOfRangeOptionsNamingThem() {
    SqsIngestionAdapter.Builder b = SqsIngestionAdapter.builder();
    assertThatThrownBy(() -> b.receiveBatchSize(11)).hasMessage("receiveBatchSize must be between 1 and 10, got 11");
    assertThatThrownBy(() -> b.receiveWait(Duration.ofSeconds(21))).hasMessageContaining("receiveWait must be whole seconds");
    assertThatThrownBy(() -> b.visibilityTimeout(Duration.ofMillis(1500))).hasMessageContaining("visibilityTimeout");
    assertThatThrownBy(() -> b.maxMessageBytes(100)).hasMessageContaining("maxMessageBytes must be between 1024");
    assertThatThrownBy(() -> b.sendBatchSize(0)).hasMessageContaining("sendBatchSize");
  }

  @Test
  void providerRejectsUnknownSettingsAndAMissingQueue() {
    SqsIngestionProvider provider = new SqsIngestionProvider();
    assertThatThrownBy(() -> provider.create(AdapterConfig.of(Map.of("queue-url", "http://h/q", "colour", "red"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("colour");
    assertThatThrownBy(() -> provider.create(AdapterConfig.of(Map.of("region", "eu-west-1"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("queue-url");
    assertThatThrownBy(() -> provider.create(AdapterConfig.of(Map.of("queue-url", "http://h/q", "receive-wait", "30s"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("receive-wait");
  }
}
