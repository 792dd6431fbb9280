/** Ingestion through AWS SQS (standard and FIFO queues) with at-least-once delivery. */
module org.metricspipeline.adapters.sqs {
  requires transitive org.metricspipeline.core;
  requires transitive software.amazon.awssdk.auth;
  requires software.amazon.awssdk.identity.spi;
  requires software.amazon.awssdk.services.sqs;
  requires software.amazon.awssdk.http.apache;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.utils;
  requires org.slf4j;

  exports org.metricspipeline.adapters.sqs;

  provides org.metricspipeline.api.spi.IngestionProvider
      with org.metricspipeline.adapters.sqs.SqsIngestionProvider;
}
