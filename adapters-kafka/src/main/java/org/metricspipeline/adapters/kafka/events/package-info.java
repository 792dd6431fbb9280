/**
 * Event types (seed 002's {@code event_types}), the Avro and JSON schemas generated from them, the
 * mapping between events and {@link org.metricspipeline.api.MetricsData}, and a synthetic event
 * generator.
 */
package org.metricspipeline.adapters.kafka.events;
