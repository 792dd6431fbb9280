/** Runnable examples of Metrics Pipeline: the quick start and wiring adapters by name. */
module org.metricspipeline.examples {
  requires org.metricspipeline.adapters.memory;

  exports org.metricspipeline.examples;
}
