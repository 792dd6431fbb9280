package org.metricspipeline.adapters.clickhouse;

import java.util.EnumSet;
import java.util.Set;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.testkit.StorageAdapterConformanceSuite;

/**
 * The ClickHouse store spread over a cluster (two shards, the first a replica pair, started by
 * {@code scripts/clickhouse-cluster.sh}) passes the storage conformance kit with every optional
 * capability. Each test gets a fresh database, created and dropped {@code ON CLUSTER}.
 */
class ClusterConformanceIT extends StorageAdapterConformanceSuite {

  @Override
  protected StorageAdapter createStorage() {
    // small inserts: the suite's batches then span several INSERTs
    return ClickHouseTestCluster.adapter("it_cluster").insertBatchRows(50).build();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }

  @Override
  protected void cleanUp(StorageAdapter storage) {
    storage.close();
    ClickHouseTestCluster.dropDatabase(((ClickHouseStorageAdapter) storage).table().split("\\.")[0]);
  }
}
