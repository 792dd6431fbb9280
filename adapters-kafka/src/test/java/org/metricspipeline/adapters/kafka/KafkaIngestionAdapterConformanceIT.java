package org.metricspipeline.adapters.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.testkit.IngestionAdapterConformanceSuite;

/**
 * The Kafka channel passes the ingestion conformance kit against a real broker, each channel on a
 * topic of one partition and a consumer group of its own: rejected items reach the dead-letter
 * topic, and records unsettled at close are read again by a new adapter of the same group.
 *
 * <p>Declared: {@code FIFO} (one partition keeps the order of one idempotent producer),
 * {@code REPORTS_REJECTIONS} and {@code ACCOUNTS_FOR_UNSETTLED_ON_CLOSE}. Not declared:
 * {@code BACKPRESSURE} (the topic is the buffer: producers are never refused for room; the
 * consumer side pauses partitions instead, tested in {@link KafkaIngestionAdapterIT}).
 */
class KafkaIngestionAdapterConformanceIT extends IngestionAdapterConformanceSuite {

  private static String bootstrap;
  private final Map<IngestionAdapter, String> topics = new ConcurrentHashMap<>();

  @BeforeAll
  static void broker() {
    bootstrap = KafkaTestBroker.bootstrap();
  }

  private static KafkaIngestionAdapter adapter(String topic) {
    return KafkaIngestionAdapter.builder().bootstrapServers(bootstrap).topics(topic).groupId(topic)
        .nackBackoff(Duration.ZERO).pollTimeout(Duration.ofMillis(20)).commitInterval(Duration.ofMillis(20))
        .closeTimeout(Duration.ofMillis(100)).build();
  }

  @Override
  protected IngestionAdapter createChannel(int capacity) {
    String topic = KafkaTestBroker.freshTopic("kit");
    try {
      KafkaTestBroker.createTopics(bootstrap, 1, topic, topic + ".dlq");
    } catch (Exception e) {
      throw new IllegalStateException("creating topic " + topic, e);
    }
    KafkaIngestionAdapter channel = adapter(topic);
    topics.put(channel, topic);
    return channel;
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.FIFO, Capability.REPORTS_REJECTIONS, Capability.ACCOUNTS_FOR_UNSETTLED_ON_CLOSE);
  }

  @Override
  protected Duration emptyPollWait() {
    return Duration.ofSeconds(1);
  }

  @Override
  protected List<MetricsData> reportedRejections(IngestionAdapter channel) {
    List<MetricsData> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : KafkaIngestionAdapterIT.readAll(bootstrap, topics.get(channel) + ".dlq", 1)) {
      out.add(MetricsJson.decode(r.value()));
    }
    return out;
  }

  @Override
  protected List<MetricsData> unsettledAfterClose(IngestionAdapter closed) {
    List<MetricsData> again = new ArrayList<>();
    try (KafkaIngestionAdapter next = adapter(topics.get(closed))) {
      List<Delivery> got = await(next.poll(100, timeout()));
      while (!got.isEmpty()) {
        for (Delivery d : got) {
          again.add(d.data());
          d.ack();
        }
        got = await(next.poll(100, emptyPollWait()));
      }
    }
    return again;
  }
}
