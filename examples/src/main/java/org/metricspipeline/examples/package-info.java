/**
 * Runnable examples: {@link org.metricspipeline.examples.QuickStart} (the runnable jar's main) runs
 * a pipeline on the embedded default and prints what it stored; {@link
 * org.metricspipeline.examples.WiringBySpi} builds the same kind of pipeline from adapter names.
 */
package org.metricspipeline.examples;
