/**
 * Ingestion through AWS SQS: {@link org.metricspipeline.adapters.sqs.SqsIngestionAdapter} (a channel
 * producers send to and pipelines consume with at-least-once delivery),
 * {@link org.metricspipeline.adapters.sqs.SqsMetricsPublisher} (producing only) and the {@code sqs}
 * provider.
 */
package org.metricspipeline.adapters.sqs;
