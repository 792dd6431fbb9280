/**
 * A pipeline from configuration: the layered config loader and secret resolver (seed 002), the
 * orchestrator that starts and stops what a config declares, and the security scan (seed 001).
 */
package org.metricspipeline.runtime;
