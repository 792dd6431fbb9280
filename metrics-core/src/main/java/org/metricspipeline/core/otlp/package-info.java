/** The mapping from OpenTelemetry metric data points to items, shared by every OTLP source. */
package org.metricspipeline.core.otlp;
