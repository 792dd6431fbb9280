/** The self-healing pipeline guard: health, recovery, alerts, collector, baselines, endpoints, config. */
module org.metricspipeline.guard {
  requires transitive org.metricspipeline.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires okhttp3;
  requires org.slf4j;
  requires java.management;

  exports org.metricspipeline.guard;
}
