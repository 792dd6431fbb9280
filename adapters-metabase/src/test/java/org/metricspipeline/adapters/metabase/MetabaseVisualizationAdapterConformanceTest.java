package org.metricspipeline.adapters.metabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.testkit.VisualizationAdapterConformanceSuite;

/**
 * The Metabase adapter passes the visualization conformance kit against the stand-in that follows
 * Metabase's documented HTTP API ({@link FakeMetabase}), a new one per test; every request the
 * adapter made must be one the API allows.
 */
class MetabaseVisualizationAdapterConformanceTest extends VisualizationAdapterConformanceSuite {

  private FakeMetabase fake;

  @Override
  protected VisualizationAdapter createAdapter() {
    try {
      fake = new FakeMetabase();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return MetabaseVisualizationAdapter.builder().url(fake.url())
        .credentials(FakeMetabase.USER, FakeMetabase.PASSWORD)
        .clickHouseHost("clickhouse.internal").clickHousePort(8123).clickHouseUser("metabase")
        .clickHousePassword("ch-kit-secret").clickHouseDatabase("metrics")
        .retryBackoff(Duration.ZERO).clock(Clock.fixed(CHART_END, ZoneOffset.UTC)).build();
  }

  @Override
  protected void cleanUp(VisualizationAdapter adapter) {
    adapter.close();
    try {
      fake.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(fake.violations()).as("requests Metabase's documented API does not allow").isEmpty();
  }
}
