/** ClickHouse storage over the official ClickHouse Java client (client-v2, HTTP). */
module org.metricspipeline.adapters.clickhouse {
  requires transitive org.metricspipeline.core;
  requires org.metricspipeline.clickhouse.sql;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires client.v2;
  requires com.clickhouse.data;
  requires org.slf4j;

  exports org.metricspipeline.adapters.clickhouse;

  provides org.metricspipeline.api.spi.StorageProvider
      with org.metricspipeline.adapters.clickhouse.ClickHouseStorageProvider;
  provides org.metricspipeline.api.spi.TableSinkProvider
      with org.metricspipeline.adapters.clickhouse.ClickHouseTableSinkProvider;
}
