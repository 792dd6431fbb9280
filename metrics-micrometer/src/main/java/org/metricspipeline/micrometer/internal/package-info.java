/** Implementation of the Micrometer and OpenTelemetry bridges; not exported. */
package org.metricspipeline.micrometer.internal;
