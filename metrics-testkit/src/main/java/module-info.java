/**
 * The storage conformance kit: {@link org.metricspipeline.testkit.StorageAdapterConformanceSuite},
 * the JUnit 5 suite every {@code StorageAdapter} extends in its tests.
 */
module org.metricspipeline.testkit {
  requires transitive org.metricspipeline.core;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;

  exports org.metricspipeline.testkit;
  // JUnit finds and runs the inherited (also nested, package-private) test methods reflectively.
  opens org.metricspipeline.testkit to org.junit.platform.commons;
}
