/**
 * What every ingestion channel shares: the long-poll queue its deliveries wait in
 * ({@link org.metricspipeline.core.internal.channel.LongPollQueue}) and settle-once deliveries
 * ({@link org.metricspipeline.core.internal.channel.SettleOnceDelivery}). Exported to the project's
 * channel modules only; not an API, may change at any time.
 */
package org.metricspipeline.core.internal.channel;
