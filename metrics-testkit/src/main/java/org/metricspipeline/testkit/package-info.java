/**
 * The storage conformance kit: {@link org.metricspipeline.testkit.StorageAdapterConformanceSuite} is
 * the JUnit 5 suite a {@code StorageAdapter} extends in its own tests to prove it gives the answers
 * every store must give.
 */
package org.metricspipeline.testkit;
