package org.metricspipeline.adapters.sqs;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.UnsupportedCapabilityException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.core.MetricsPipeline;

/**
 * The process {@link ConsumerCrashIT} kills: an SQS consumer whose pipeline stores into a file (one
 * line per stored item, its {@code id}, written before the store completes, so a kill -9 keeps every
 * line of a completed store). Arguments: endpoint, queue URL, file, receivers, buffer capacity,
 * visibility timeout in seconds.
 */
public final class ConsumingChild {

  private ConsumingChild() {}

  public static void main(String[] args) throws Exception {
    String endpoint = args[0];
    String queueUrl = args[1];
    SqsConnection connection = SqsConnection.builder().queueUrl(queueUrl)
        .endpointOverride(java.net.URI.create(endpoint)).region("us-east-1").staticCredentials("x", "x").build();
    SqsIngestionAdapter.Builder builder = SqsIngestionAdapter.builder().connection(connection)
        .receiverConcurrency(Integer.parseInt(args[3]))
        .visibilityTimeout(Duration.ofSeconds(Integer.parseInt(args[5]))).receiveWait(Duration.ofSeconds(1));
    int budget = Integer.parseInt(args[4]);
    if (budget > 0) { // 0: the default budget
      builder.bufferCapacity(budget);
    }
    SqsIngestionAdapter sqs = builder.build();
    MetricsPipeline pipeline = MetricsPipeline.builder().storage(new FileStorage(args[2])).ingestion(sqs)
        .batchSize(100).processingInterval(Duration.ofMillis(20)).build();
    pipeline.startProcessing();
    System.out.println("READY");
    Thread.currentThread().join(); // runs until killed
  }

  /** Appends each stored item's id as a line; a write that returned survives a kill -9. */
  static final class FileStorage implements StorageAdapter {
    private final FileOutputStream out;

    FileStorage(String file) throws IOException {
      out = new FileOutputStream(file, true);
    }

    @Override
    public String name() {
      return "file";
    }

    @Override
    public CompletableFuture<Void> store(MetricsData data) {
      return batchStore(List.of(data)).thenApply(r -> null);
    }

    @Override
    public synchronized CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
      StringBuilder lines = new StringBuilder(batch.size() * 8);
      for (MetricsData d : batch) {
        lines.append(d.context().get("id")).append('\n');
      }
      try {
        out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(new StorageUnavailableException("writing failed", e));
      }
      return CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(batch.size()));
    }

    @Override
    public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
      return CompletableFuture.failedFuture(new UnsupportedCapabilityException("file", "aggregate"));
    }

    @Override
    public CompletableFuture<HealthCheckResult> healthCheck() {
      return CompletableFuture.completedFuture(HealthCheckResult.healthy(Map.of()));
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        // nothing left to do
      }
    }
  }
}
