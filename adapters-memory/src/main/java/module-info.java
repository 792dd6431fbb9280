/** In-memory storage, ingestion and visualization adapters: the embedded default. */
module org.metricspipeline.adapters.memory {
  requires transitive org.metricspipeline.core;
  requires org.slf4j;

  exports org.metricspipeline.adapters.memory;
}
