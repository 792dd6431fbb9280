/** In-memory adapters: storage (the embedded default), an in-process channel, and visualization. */
package org.metricspipeline.adapters.memory;
