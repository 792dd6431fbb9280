package org.metricspipeline.adapters.memory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.testkit.IngestionAdapterConformanceSuite;

/**
 * The in-memory channel passes the ingestion conformance kit with every capability: rejected items
 * are reported through {@code rejected()}, unsettled ones at close through {@code undelivered()}.
 */
class InMemoryIngestionAdapterConformanceTest extends IngestionAdapterConformanceSuite {

  @Override
  protected IngestionAdapter createChannel(int capacity) {
    return InMemoryIngestionAdapter.builder().capacity(capacity).build();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }

  @Override
  protected List<MetricsData> reportedRejections(IngestionAdapter channel) {
    List<MetricsData> out = new ArrayList<>();
    ((InMemoryIngestionAdapter) channel).rejected().forEach(r -> out.add(r.data()));
    return out;
  }

  @Override
  protected List<MetricsData> unsettledAfterClose(IngestionAdapter closed) {
    return ((InMemoryIngestionAdapter) closed).undelivered();
  }
}
