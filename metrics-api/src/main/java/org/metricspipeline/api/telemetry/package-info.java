/** Figures components report about themselves, shaped for Prometheus text. */
package org.metricspipeline.api.telemetry;
