package org.metricspipeline.core;

/**
 * A snapshot of {@link MetricsPipeline}'s counters, taken by {@link MetricsPipeline#stats()}.
 *
 * <p>Counts are items (one {@code MetricsData} each) unless named points. Once the pipeline is idle,
 * {@code received == accepted + rejected + overflowed} and
 * {@code accepted == stored + deadLettered + nacked + queueDepth + inFlight}; the counters are read
 * one by one, so a snapshot taken while items move may be off by the items in motion.
 *
 * @param received items offered: directly ({@code processMetrics}, {@code processBatch}) or polled
 *     from the ingestion channel (calls refused because the pipeline was stopped are not counted)
 * @param accepted valid items that entered the queue
 * @param rejected items that failed validation
 * @param overflowed valid items refused because the queue was full
 * @param stored items the storage accepted
 * @param pointsStored metrics in the stored items
 * @param retries store attempts after the first, one per batch attempt
 * @param deadLettered items handed to the dead-letter handler
 * @param nacked channel items given back to the channel after retries ran out
 * @param queueDepth items waiting in the queue now
 * @param inFlight items taken from the queue and not yet settled
 * @param lost items acknowledged as accepted that a stop could neither store nor hand back to a
 *     channel that keeps them (see {@link StopResult#lost()})
 */
public record PipelineStats(
    long received, long accepted, long rejected, long overflowed, long stored, long pointsStored,
    long retries, long deadLettered, long nacked, long queueDepth, long inFlight, long lost) {}
