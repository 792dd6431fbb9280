/**
 * Metrics a service records with Micrometer ({@link org.metricspipeline.micrometer.PipelineMeterRegistry})
 * or the OpenTelemetry SDK ({@link org.metricspipeline.micrometer.PipelineMetricExporter}), written
 * into a pipeline in-process; the library's own figures as Micrometer meters
 * ({@link org.metricspipeline.micrometer.SelfMeasuringBinder}).
 */
package org.metricspipeline.micrometer;
