package org.metricspipeline.adapters.postgres;

import java.util.EnumSet;
import java.util.Set;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.testkit.StorageAdapterConformanceSuite;

/**
 * The PostgreSQL store passes the storage conformance kit against the real server, with every
 * optional capability. Each test gets a fresh schema (dropped afterwards).
 */
class PostgresStorageAdapterConformanceIT extends StorageAdapterConformanceSuite {

  @Override
  protected StorageAdapter createStorage() {
    // small retention batches: the suite's deletes then span several transactions
    return PostgresTestServer.adapter("it_conformance").retentionBatchRows(100).build();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }

  @Override
  protected void cleanUp(StorageAdapter storage) {
    storage.close();
    PostgresTestServer.dropSchema((PostgresStorageAdapter) storage);
  }
}
