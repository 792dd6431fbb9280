/** In-memory storage, ingestion and visualization adapters: the embedded default. */
module org.metricspipeline.adapters.memory {
  requires transitive org.metricspipeline.core;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;

  exports org.metricspipeline.adapters.memory;

  provides org.metricspipeline.api.spi.StorageProvider
      with org.metricspipeline.adapters.memory.MemoryStorageProvider;
  provides org.metricspipeline.api.spi.IngestionProvider
      with org.metricspipeline.adapters.memory.MemoryIngestionProvider;
  provides org.metricspipeline.api.spi.VisualizationProvider
      with org.metricspipeline.adapters.memory.MemoryVisualizationProvider;
}
