/** Runnable examples of Metrics Pipeline: the quick start and wiring adapters by name. */
module org.metricspipeline.examples {
  requires org.metricspipeline.adapters.memory;
  requires org.metricspipeline.adapters.http;
  requires org.slf4j;

  exports org.metricspipeline.examples;
}
