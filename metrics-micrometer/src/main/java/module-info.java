/**
 * A Micrometer registry and an OpenTelemetry SDK metric exporter that write a service's own metrics
 * into a pipeline in-process, and a binder exposing the library's self-measurements to Micrometer.
 */
module org.metricspipeline.micrometer {
  requires transitive org.metricspipeline.core;
  requires transitive micrometer.core;
  requires transitive micrometer.commons;
  requires transitive io.opentelemetry.sdk.metrics;
  requires transitive io.opentelemetry.sdk.common;
  requires transitive io.opentelemetry.api;
  requires org.slf4j;

  exports org.metricspipeline.micrometer;
}
