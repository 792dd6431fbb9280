package org.metricspipeline.adapters.clickhouse;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.testkit.StorageAdapterConformanceSuite;

/**
 * The ClickHouse store passes the storage conformance kit against the real server, with every
 * optional capability. Each test gets a fresh database (dropped afterwards).
 */
class ClickHouseStorageAdapterConformanceIT extends StorageAdapterConformanceSuite {

  @Override
  protected StorageAdapter createStorage() {
    // small inserts: the suite's batches then span several INSERTs
    return ClickHouseTestServer.adapter("it_conformance").insertBatchRows(50).build();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }

  @Override
  protected void cleanUp(StorageAdapter storage) {
    storage.close();
    String database = ((ClickHouseStorageAdapter) storage).table().split("\\.")[0];
    Duration t = Duration.ofSeconds(30);
    try (Connection c = new Connection(ClickHouseTestServer.url(), "default", "", false, false, t, t, t, 1)) {
      c.execute("DROP DATABASE IF EXISTS `" + database + "`");
    }
  }
}
