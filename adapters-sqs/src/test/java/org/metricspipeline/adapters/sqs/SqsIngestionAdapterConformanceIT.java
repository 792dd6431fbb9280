package org.metricspipeline.adapters.sqs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.testkit.IngestionAdapterConformanceSuite;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The SQS channel passes the ingestion conformance kit against a real SQS-protocol server (ElasticMQ,
 * embedded), each channel on a queue of its own with a dead letter queue: rejected items reach the
 * dead letter queue, and messages unsettled at close are delivered again by a new adapter on the
 * same queue.
 *
 * <p>Not declared: {@code BACKPRESSURE} (the queue itself is the buffer; producers are refused only
 * when the adapter's own send queue overflows, which this kit cannot provoke deterministically) and
 * {@code FIFO} (a standard queue does not keep order). A poll must stay empty for 3 s to show that
 * nothing is offered, longer than the 2 s visibility timeout after which a message not deleted
 * would come back.
 */
class SqsIngestionAdapterConformanceIT extends IngestionAdapterConformanceSuite {

  private final ElasticMq sqs = ElasticMq.get();
  private final Map<IngestionAdapter, String> queues = new ConcurrentHashMap<>();
  private final Map<IngestionAdapter, String> deadLetterQueues = new ConcurrentHashMap<>();
  private final Map<IngestionAdapter, List<MetricsData>> deadLettered = new ConcurrentHashMap<>();

  private SqsIngestionAdapter adapter(String queue, String dlq) {
    return SqsIngestionAdapter.builder().connection(sqs.connection(queue)).deadLetterQueueUrl(dlq)
        .receiveWait(Duration.ofSeconds(1)).visibilityTimeout(Duration.ofSeconds(2)).nackBackoff(Duration.ZERO)
        .build();
  }

  @Override
  protected IngestionAdapter createChannel(int capacity) {
    String queue = sqs.createQueue("kit");
    String dlq = sqs.createQueue("kit-dlq");
    SqsIngestionAdapter channel = adapter(queue, dlq);
    queues.put(channel, queue);
    deadLetterQueues.put(channel, dlq);
    return channel;
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.REPORTS_REJECTIONS, Capability.ACCOUNTS_FOR_UNSETTLED_ON_CLOSE);
  }

  @Override
  protected Duration emptyPollWait() {
    return Duration.ofSeconds(3);
  }

  @Override
  protected List<MetricsData> reportedRejections(IngestionAdapter channel) {
    List<MetricsData> seen = deadLettered.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
    String dlq = deadLetterQueues.get(channel);
    // kept invisible once read, so every message is counted once
    for (Message m : sqs.admin.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(0)
        .visibilityTimeout(3600)).messages()) {
      seen.add(MetricsJson.decode(m.body()));
    }
    return new ArrayList<>(seen);
  }

  @Override
  protected List<MetricsData> unsettledAfterClose(IngestionAdapter closed) {
    String queue = queues.get(closed);
    List<MetricsData> again = new ArrayList<>();
    try (SqsIngestionAdapter next = adapter(queue, deadLetterQueues.get(closed))) {
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
