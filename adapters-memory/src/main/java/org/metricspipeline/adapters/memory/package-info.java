/**
 * In-memory adapters: storage (the embedded default), an in-process channel, and visualization.
 *
 * <ul>
 *   <li>{@link org.metricspipeline.adapters.memory.InMemoryStorageAdapter}: every
 *       {@link org.metricspipeline.api.StorageAdapter} query, with points kept column-wise per series
 *       (about 12 bytes per point plus each series' share of overhead; see
 *       {@link org.metricspipeline.adapters.memory.MemoryStats}).
 *   <li>{@link org.metricspipeline.adapters.memory.InMemoryIngestionAdapter}: a bounded channel with
 *       ack, nack and reject.
 *   <li>{@link org.metricspipeline.adapters.memory.InMemoryVisualizationAdapter}: dashboards and
 *       charts in memory, served as live web pages through core's HTTP endpoint contract
 *       ({@code endpoints()}) and exported as JSON, CSV, SVG or standalone HTML.
 * </ul>
 *
 * <p>All three are registered under the provider name {@code memory}, for example
 * {@code AdapterRegistry.storage("memory", AdapterConfig.of(Map.of("max-points", "10000000")))}.
 * Settings: storage {@code max-points}, {@code points-per-chunk}; ingestion {@code capacity},
 * {@code retry-after}, {@code max-rejected-kept}; visualization none. Unknown settings are rejected.
 *
 * <p>Design notes for what comes next: each series keeps its points sorted by time in chunks whose
 * time span is known, so retention can drop whole chunks before a cut-off (and rebuild the one chunk
 * straddling it); rollups can fold chunks into {@code Aggregations.Accumulator}s per bucket, which
 * merge exactly; and the series index (by name, with each series' tags) is what discovery lists.
 */
package org.metricspipeline.adapters.memory;
