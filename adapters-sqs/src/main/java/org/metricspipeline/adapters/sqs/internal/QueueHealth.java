package org.metricspipeline.adapters.sqs.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Reads a queue's approximate counts and turns them into a health result. */
public final class QueueHealth {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private QueueHealth() {}

  /**
   * Healthy when the queue answers and its backlog is at most {@code backlogThreshold}; degraded
   * above; unhealthy when the queue (or the dead letter queue) does not answer. Blocks for the calls.
   */
  public static HealthCheckResult check(SqsClient client, String queueUrl, Optional<String> deadLetterQueueUrl,
      long backlogThreshold, Map<String, Object> localDetails) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("queue_url", queueUrl);
    long backlog;
    try {
      Map<QueueAttributeName, String> a = client.getQueueAttributes(b -> b.queueUrl(queueUrl)
          .attributeNames(List.of(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
          .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT))).attributes();
      backlog = number(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
      details.put("backlog", backlog);
      details.put("in_flight", number(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
      details.put("delayed", number(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)));
    } catch (RuntimeException e) {
      details.put("reason", "queue not reachable: " + e.getMessage());
      details.putAll(localDetails);
      return new HealthCheckResult(HealthStatus.UNHEALTHY, details);
    }
    details.put("backlog_threshold", backlogThreshold);
    HealthStatus status = HealthStatus.HEALTHY;
    if (deadLetterQueueUrl.isPresent()) {
      details.put("dead_letter_queue_url", deadLetterQueueUrl.get());
      try {
        Map<QueueAttributeName, String> a = client.getQueueAttributes(b -> b.queueUrl(deadLetterQueueUrl.get())
            .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
            .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT))).attributes();
        details.put("dead_letter_queue_depth", number(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)));
      } catch (RuntimeException e) {
        status = HealthStatus.UNHEALTHY;
        details.put("reason", "dead letter queue not reachable: " + e.getMessage());
      }
    }
    if (status == HealthStatus.HEALTHY && backlog > backlogThreshold) {
      status = HealthStatus.DEGRADED;
      details.put("reason", "backlog " + backlog + " is above the threshold " + backlogThreshold);
    }
    details.putAll(localDetails);
    return new HealthCheckResult(status, details);
  }

  private static long number(String value) {
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
