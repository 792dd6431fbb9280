package org.metricspipeline.benchmarks;

import java.net.URI;
import java.time.Duration;
import org.metricspipeline.adapters.clickhouse.ClickHouseStorageAdapter;
import org.metricspipeline.adapters.kafka.KafkaIngestionAdapter;
import org.metricspipeline.adapters.sqs.SqsConnection;
import org.metricspipeline.adapters.sqs.SqsIngestionAdapter;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.core.MetricsPipeline;

/**
 * One pipeline process of {@link ScaleOutBenchmark}: consumes a Kafka topic in a consumer group (or
 * an SQS queue) and stores into the ClickHouse cluster, until killed. Arguments: {@code kafka
 * BOOTSTRAP TOPIC GROUP} or {@code sqs ENDPOINT QUEUE_URL -}, then {@code CLICKHOUSE_URL CLUSTER
 * DATABASE REPLICATED}.
 */
public final class ScaleOutWorker {

  private ScaleOutWorker() {}

  public static void main(String[] args) throws Exception {
    IngestionAdapter ingestion;
    if (args[0].equals("kafka")) {
      ingestion = KafkaIngestionAdapter.builder().bootstrapServers(args[1]).topics(args[2]).groupId(args[3])
          .build();
    } else {
      SqsConnection connection = SqsConnection.builder().queueUrl(args[2]).endpointOverride(URI.create(args[1]))
          .region("us-east-1").staticCredentials("x", "x").build();
      ingestion = SqsIngestionAdapter.builder().connection(connection).receiverConcurrency(4).bufferCapacity(4000)
          .visibilityTimeout(Duration.ofSeconds(30)).receiveWait(Duration.ofSeconds(1)).build();
    }
    ClickHouseStorageAdapter storage = ClickHouseStorageAdapter.builder(args[4]).cluster(args[5]).database(args[6])
        .replicated(Boolean.parseBoolean(args[7])).build();
    MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(ingestion).batchSize(1000)
        .processingInterval(Duration.ofMillis(100)).build();
    pipeline.startProcessing();
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
