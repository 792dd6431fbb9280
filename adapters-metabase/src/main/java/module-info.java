/** Visualization in Metabase: dashboards and native-SQL cards over the ClickHouse store. */
module org.metricspipeline.adapters.metabase {
  requires transitive org.metricspipeline.api;
  requires org.metricspipeline.clickhouse.sql;
  requires okhttp3;
  // okhttp3 and okio are automatic modules: they do not make the module system resolve the Kotlin
  // standard library they run on, so this module asks for it.
  requires kotlin.stdlib;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports org.metricspipeline.adapters.metabase;

  provides org.metricspipeline.api.spi.VisualizationProvider
      with org.metricspipeline.adapters.metabase.MetabaseVisualizationProvider;
}
