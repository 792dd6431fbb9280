/** PostgreSQL storage over the official PostgreSQL JDBC driver (binary COPY for inserts). */
module org.metricspipeline.adapters.postgres {
  requires transitive org.metricspipeline.core;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires java.sql;
  requires org.postgresql.jdbc;
  requires org.slf4j;

  exports org.metricspipeline.adapters.postgres;

  provides org.metricspipeline.api.spi.StorageProvider
      with org.metricspipeline.adapters.postgres.PostgresStorageProvider;
  provides org.metricspipeline.api.spi.TableSinkProvider
      with org.metricspipeline.adapters.postgres.PostgresTableSinkProvider;
}
