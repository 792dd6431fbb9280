/** Implementation of the core; not exported, may change at any time. */
package org.metricspipeline.core.internal;
