/** Implementation details; not part of the API. */
package org.metricspipeline.adapters.kafka.internal;
