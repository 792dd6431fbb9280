/**
 * The conformance kits, JUnit 5 suites every adapter extends in its tests:
 * {@link org.metricspipeline.testkit.StorageAdapterConformanceSuite} (storage),
 * {@link org.metricspipeline.testkit.IngestionAdapterConformanceSuite} (ingestion channels) and
 * {@link org.metricspipeline.testkit.VisualizationAdapterConformanceSuite} (visualization).
 */
module org.metricspipeline.testkit {
  requires transitive org.metricspipeline.core;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;

  exports org.metricspipeline.testkit;
  // JUnit finds and runs the inherited (also nested, package-private) test methods reflectively.
  opens org.metricspipeline.testkit to org.junit.platform.commons;
}
