/** Models, adapter interfaces, the query model and the provider SPI of Metrics Pipeline. */
module org.metricspipeline.api {
  exports org.metricspipeline.api;
  exports org.metricspipeline.api.query;
  exports org.metricspipeline.api.spi;
  exports org.metricspipeline.api.timeseries;
  exports org.metricspipeline.api.telemetry;
  exports org.metricspipeline.api.sink;

  uses org.metricspipeline.api.spi.StorageProvider;
  uses org.metricspipeline.api.spi.IngestionProvider;
  uses org.metricspipeline.api.spi.VisualizationProvider;
  uses org.metricspipeline.api.spi.TableSinkProvider;
}
