/** Visualization in Metabase: dashboards and native-SQL cards over the ClickHouse store. */
module org.metricspipeline.adapters.metabase {
  requires transitive org.metricspipeline.api;
  requires okhttp3;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports org.metricspipeline.adapters.metabase;

  provides org.metricspipeline.api.spi.VisualizationProvider
      with org.metricspipeline.adapters.metabase.MetabaseVisualizationProvider;
}
