package org.metricspipeline.adapters.sqs;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** One embedded ElasticMQ server on an ephemeral loopback port, shared by every test in the JVM. */
final class ElasticMq {

  private static final AtomicInteger QUEUES = new AtomicInteger();
  private static ElasticMq instance;

  final SQSRestServer server;
  final URI endpoint;
  final SqsClient admin;

  private ElasticMq() {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort()
        .withAWSRegion("us-east-1").withAWSAccountId("000000000000").start();
    var binding = server.waitUntilStarted();
    endpoint = URI.create("http://127.0.0.1:" + binding.localAddress().getPort());
    admin = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .httpClient(ApacheHttpClient.builder().build())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      admin.close();
      server.stopAndWait();
    }, "elasticmq-stop"));
  }

  static synchronized ElasticMq get() {
    if (instance == null) {
      instance = new ElasticMq();
    }
    return instance;
  }

  /** A new standard queue with a unique name; returns its URL. */
  String createQueue(String prefix) {
    return createQueue(prefix, Map.of());
  }

  String createQueue(String prefix, Map<QueueAttributeName, String> attributes) {
    String name = prefix + "-" + QUEUES.incrementAndGet();
    return admin.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
  }

  /** A new FIFO queue with a unique name; returns its URL. */
  String createFifoQueue(String prefix) {
    String name = prefix + "-" + QUEUES.incrementAndGet() + ".fifo";
    Map<QueueAttributeName, String> attributes = new HashMap<>();
    attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
    return admin.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
  }

  SqsConnection connection(String queueUrl) {
    return SqsConnection.builder().queueUrl(queueUrl).endpointOverride(endpoint).region("us-east-1")
        .staticCredentials("x", "x").build();
  }

  /** ApproximateNumberOfMessages + NotVisible of a queue. */
  long depth(String queueUrl) {
    Map<QueueAttributeName, String> a = admin.getQueueAttributes(b -> b.queueUrl(queueUrl)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
    return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }
}
