package org.metricspipeline.guard.internal;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.PipelineStats;

/**
 * Gathers the figures of the pipeline, its adapters, the guard and the JVM, grouped by component,
 * each series once (a pipeline that already reports its adapters' figures does not double them).
 */
public final class Telemetry {

  private Telemetry() {}

  /** Component name to its measurements, in the order pipeline, storage, ingestion, guard, jvm. */
  public static Map<String, List<Measurement>> gather(MetricsPipeline pipeline, SelfMeasuring guard, boolean jvm) {
    return gather(pipeline, guard, jvm, Map.of());
  }

  /** As {@link #gather(MetricsPipeline, SelfMeasuring, boolean)}, plus these components' figures after the pipeline's. */
  public static Map<String, List<Measurement>> gather(MetricsPipeline pipeline, SelfMeasuring guard, boolean jvm,
      Map<String, SelfMeasuring> components) {
    Map<String, List<Measurement>> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    if (pipeline != null) {
      add(out, seen, "pipeline", pipelineMeasurements(pipeline));
      add(out, seen, "storage", of(pipeline.storage()));
      pipeline.ingestion().ifPresent(i -> add(out, seen, "ingestion", of(i)));
    }
    components.forEach((name, source) -> add(out, seen, name, source.measurements()));
    if (guard != null) {
      add(out, seen, "guard", guard.measurements());
    }
    if (jvm) {
      add(out, seen, "jvm", jvm());
    }
    return out;
  }

  private static void add(Map<String, List<Measurement>> out, Set<String> seen, String component,
      List<Measurement> list) {
    List<Measurement> kept = new ArrayList<>();
    for (Measurement m : list) {
      if (seen.add(m.name() + m.labels())) {
        kept.add(m);
      }
    }
    if (!kept.isEmpty()) {
      out.put(component, kept);
    }
  }

  private static List<Measurement> of(Object component) {
    return component instanceof SelfMeasuring s ? s.measurements() : List.of();
  }

  /**
   * The pipeline's own figures ({@code metrics_pipeline_*}, the same names the pipeline reports
   * once it is {@link SelfMeasuring}; from its stats before that), plus the two settings the guard
   * changes while recovering: batch size and paused ingestion.
   */
  public static List<Measurement> pipelineMeasurements(MetricsPipeline pipeline) {
    List<Measurement> list = new ArrayList<>();
    Object p = pipeline;
    if (p instanceof SelfMeasuring s) {
      list.addAll(s.measurements());
    } else {
      PipelineStats st = pipeline.stats();
      list.add(counter("items_received_total", "Items offered directly or polled from the ingestion channel",
          st.received()));
      list.add(counter("items_accepted_total", "Valid items that entered the queue", st.accepted()));
      list.add(counter("items_rejected_total", "Items that failed validation", st.rejected()));
      list.add(counter("items_overflowed_total", "Valid items refused because the queue was full", st.overflowed()));
      list.add(counter("items_stored_total", "Items the storage accepted", st.stored()));
      list.add(counter("points_stored_total", "Metrics (points) in the stored items", st.pointsStored()));
      list.add(counter("items_dead_lettered_total", "Items handed to the dead-letter handler", st.deadLettered()));
      list.add(counter("items_nacked_total", "Channel items given back after retries ran out", st.nacked()));
      list.add(counter("store_retries_total", "batchStore attempts after the first", st.retries()));
      list.add(Measurement.gauge("metrics_pipeline_queue_items", "Accepted items waiting in the queue",
          st.queueDepth()));
      list.add(Measurement.gauge("metrics_pipeline_in_flight_items", "Items taken from the queue and not settled yet",
          st.inFlight()));
    }
    list.add(Measurement.gauge("metrics_pipeline_batch_size_items", "Items per batchStore call now",
        pipeline.batchSize()));
    list.add(Measurement.gauge("metrics_pipeline_ingestion_paused", "1 while polling the channel is paused",
        pipeline.isIngestionPaused() ? 1 : 0));
    return list;
  }

  private static Measurement counter(String suffix, String help, double value) {
    return Measurement.counter("metrics_pipeline_" + suffix, help, value);
  }

  /** JVM figures: heap, threads, uptime, garbage collection. */
  public static List<Measurement> jvm() {
    List<Measurement> list = new ArrayList<>();
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    list.add(new Measurement("jvm_memory_used_bytes", Measurement.Kind.GAUGE, "Memory in use",
        Map.of("area", "heap"), mem.getHeapMemoryUsage().getUsed()));
    list.add(new Measurement("jvm_memory_used_bytes", Measurement.Kind.GAUGE, "Memory in use",
        Map.of("area", "nonheap"), mem.getNonHeapMemoryUsage().getUsed()));
    long max = mem.getHeapMemoryUsage().getMax();
    if (max > 0) {
      list.add(new Measurement("jvm_memory_max_bytes", Measurement.Kind.GAUGE, "Largest heap the JVM may use",
          Map.of("area", "heap"), max));
    }
    list.add(Measurement.gauge("jvm_threads_live", "Live threads", ManagementFactory.getThreadMXBean().getThreadCount()));
    list.add(Measurement.gauge("jvm_uptime_seconds", "Time since the JVM started",
        ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      Map<String, String> l = Map.of("gc", gc.getName());
      list.add(new Measurement("jvm_gc_collections_total", Measurement.Kind.COUNTER, "Garbage collections", l,
          Math.max(0, gc.getCollectionCount())));
      list.add(new Measurement("jvm_gc_collection_seconds_total", Measurement.Kind.COUNTER,
          "Time spent in garbage collection", l, Math.max(0, gc.getCollectionTime()) / 1000.0));
    }
    return list;
  }
}
