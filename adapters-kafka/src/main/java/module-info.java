/** Kafka ingestion in consumer groups, a publisher, and event types with generated Avro and JSON schemas. */
module org.metricspipeline.adapters.kafka {
  requires transitive org.metricspipeline.core;
  requires transitive kafka.clients;
  requires transitive org.apache.avro;
  requires com.networknt.schema;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports org.metricspipeline.adapters.kafka;
  exports org.metricspipeline.adapters.kafka.events;

  provides org.metricspipeline.api.spi.IngestionProvider
      with org.metricspipeline.adapters.kafka.KafkaIngestionProvider;
}
