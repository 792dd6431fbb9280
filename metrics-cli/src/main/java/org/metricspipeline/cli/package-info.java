/** The {@code metrics-pipeline} command, built on {@code metrics-runtime}. */
package org.metricspipeline.cli;
