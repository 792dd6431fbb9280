/** The pipeline and the few public entry points of the core. */
package org.metricspipeline.core;
