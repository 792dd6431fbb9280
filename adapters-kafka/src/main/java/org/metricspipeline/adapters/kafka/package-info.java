/** Kafka ingestion and publishing, event types and their Avro and JSON schemas. */
package org.metricspipeline.adapters.kafka;
