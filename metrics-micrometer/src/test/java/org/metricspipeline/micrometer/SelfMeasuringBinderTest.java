package org.metricspipeline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;

class SelfMeasuringBinderTest {

  @Test
  void countersAndGaugesBecomeMicrometerMetersThatFollowTheSource() {
    AtomicLong stored = new AtomicLong(5);
    SelfMeasuring source = () -> List.of(
        new Measurement("metrics_pipeline_items_stored_total", Measurement.Kind.COUNTER, "stored",
            Map.of("store", "memory"), stored.get()),
        Measurement.gauge("metrics_pipeline_queue_items", "queued", 3));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new SelfMeasuringBinder(source).bindTo(registry);

    assertThat(registry.get("metrics.pipeline.items.stored").tag("store", "memory").functionCounter().count())
        .isEqualTo(5.0);
    stored.set(9);
    assertThat(registry.get("metrics.pipeline.items.stored").functionCounter().count()).isEqualTo(9.0);
    assertThat(registry.get("metrics.pipeline.queue.items").gauge().value()).isEqualTo(3.0);
    assertThat(registry.get("metrics.pipeline.items.stored").functionCounter().getId().getDescription())
        .isEqualTo("stored");
  }

  @Test
  void thePipelinesOwnFiguresCanBeBound() {
    try (var storage = org.metricspipeline.adapters.memory.InMemoryStorageAdapter.builder().build();
        var pipeline = org.metricspipeline.core.MetricsPipeline.builder().storage(storage).build()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new SelfMeasuringBinder(pipeline).bindTo(registry);
      assertThat(registry.getMeters()).isNotEmpty();
      assertThat(registry.find("metrics.pipeline.items.received").functionCounter()).isNotNull();
    }
  }
}
