package org.metricspipeline.adapters.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.testkit.ChildJvm;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * kill -9 of an SQS consumer under load: a child JVM ({@link ConsumingChild}, 4 receivers) drains a
 * queue of 20,000 messages into a file and is killed with SIGKILL a third of the way; a second one
 * finishes. Every message is stored (0 lost), and the duplicates (stored, not yet deleted when the
 * first died) are at most the in-flight window (receive batch 10 x 4 receivers, the default receive
 * budget), not a backlog of undeleted messages that grows with the load.
 */
class ConsumerCrashIT {

  private static final int TOTAL = 20_000;
  private static final int RECEIVERS = 4;
  private static final int WINDOW = 10 * RECEIVERS; // receive batch x receivers: the default budget

  @Test
  void duplicatesAfterAKillAreBoundedByTheInFlightWindow() throws Exception {
    ElasticMq sqs = ElasticMq.get();
    String queue = sqs.createQueue("crash");
    send(sqs, queue);
    Path file = Files.createTempFile(Path.of("target"), "sqs-crash-", ".ids");
    String[] args = {sqs.endpoint.toString(), queue, file.toString(), Integer.toString(RECEIVERS), "0", "3"};

    try (ChildJvm first = ChildJvm.start(ConsumingChild.class, args)) {
      awaitLines(file, TOTAL / 3, Duration.ofSeconds(120));
      first.kill9();
    }
    long atKill = lines(file).size();
    try (ChildJvm second = ChildJvm.start(ConsumingChild.class, args)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      while (new HashSet<>(lines(file)).size() < TOTAL && System.nanoTime() < deadline) {
        Thread.sleep(200); // a test waiting for a child's output
      }
      Thread.sleep(4_000); // past the visibility timeout: late redeliveries show up as duplicates too
    }
    List<String> stored = lines(file);
    Set<String> distinct = new HashSet<>(stored);
    long duplicates = stored.size() - distinct.size();
    System.out.printf("SQS kill -9 drill: sent=%d stored at kill=%d stored rows=%d distinct=%d lost=%d "
        + "duplicates=%d (bound: the in-flight window, receive batch 10 x %d receivers = %d)%n",
        TOTAL, atKill, stored.size(), distinct.size(), TOTAL - distinct.size(), duplicates, RECEIVERS, WINDOW);
    assertThat(distinct).hasSize(TOTAL);
    assertThat(duplicates).isLessThanOrEqualTo(WINDOW);
  }

  private static void send(ElasticMq sqs, String queue) {
    Instant base = Instant.now().minusSeconds(3600);
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
    for (int i = 0; i < TOTAL; i++) {
      MetricsData item = MetricsData.builder().timestamp(base.plusMillis(i)).metricType("crash").source("drill")
          .metric(Metric.of("events", i)).context("id", Integer.toString(i)).build();
      entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
          .messageBody(new String(MetricsJson.encode(item), StandardCharsets.UTF_8)).build());
      if (entries.size() == 10) {
        List<SendMessageBatchRequestEntry> batch = List.copyOf(entries);
        sqs.admin.sendMessageBatch(b -> b.queueUrl(queue).entries(batch));
        entries.clear();
      }
    }
  }

  private static void awaitLines(Path file, int n, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    while (lines(file).size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the consumer stored fewer than " + n + " items within " + wait);
      }
      Thread.sleep(20); // a test waiting for a child's output
    }
  }

  private static List<String> lines(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) {
      if (!l.isBlank()) {
        out.add(l);
      }
    }
    return out;
  }
}
