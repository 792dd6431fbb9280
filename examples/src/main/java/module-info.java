/** Runnable examples of Metrics Pipeline: the quick start and wiring adapters by name. */
module org.metricspipeline.examples {
  requires org.metricspipeline.adapters.memory;
  requires org.metricspipeline.adapters.http;
  requires org.metricspipeline.adapters.clickhouse;
  requires org.metricspipeline.guard;
  requires org.metricspipeline.runtime;
  requires org.metricspipeline.micrometer;
  requires jdk.httpserver;
  requires jdk.management;
  requires info.picocli;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  opens org.metricspipeline.examples to info.picocli;

  exports org.metricspipeline.examples;
}
