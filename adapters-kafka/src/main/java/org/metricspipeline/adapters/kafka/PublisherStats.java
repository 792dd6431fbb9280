package org.metricspipeline.adapters.kafka;

/**
 * What a {@link KafkaMetricsPublisher} has done (seed 002's {@code get_stats()}).
 *
 * @param sent records the broker acknowledged
 * @param errors records that failed (refused by the broker, timed out, or not encodable)
 * @param pending records handed to the producer and not yet acknowledged or failed
 */
public record PublisherStats(long sent, long errors, long pending) {}
